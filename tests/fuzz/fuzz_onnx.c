/* libFuzzer target for the ONNX reader and graph loader: any byte string must
 * give a status (never a crash, a hang or unbounded memory). Small models that
 * load are also quantized at a fixed scale and run on zeros, so shape rules,
 * folding and kernels see the fuzzed graphs too. */
#include <stdint.h>
#include <stdlib.h>

#include "nn/nn.h"
#include "onnx/onnx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    zk_error err;
    zk_onnx_model *om = NULL;
    if (zk_onnx_parse(data, size, &om, &err) == ZK_OK) zk_onnx_model_free(om);
    zk_nn_model *m = NULL;
    zk_nn_load_opts lo = {1, 0, 0, NULL};
    if (zk_nn_load(data, size, &lo, &m, &err) != ZK_OK) return 0;
    int64_t total = 0;
    for (size_t v = 0; v < zk_nn_num_values(m); v++) {
        zk_nn_value_info vi;
        zk_nn_get_value(m, (int)v, &vi);
        total += vi.numel;
    }
    size_t ni = zk_nn_num_inputs(m);
    if (total < 200000 && ni <= 8 && zk_nn_cost(m) < 20000000) {
        zk_nn_qopts q;
        zk_nn_qopts_default(&q);
        q.fixed_scale = 8;
        q.target = 0;
        if (zk_nn_calibrate(m, &q, 0, NULL, &err) == ZK_OK) {
            const double *in[8];
            double *zeros = calloc((size_t)total + 1, sizeof(double));
            for (size_t i = 0; i < ni; i++) in[i] = zeros;
            zk_nn_run *r = NULL;
            if (zeros && zk_nn_run_quant(m, in, &r, &err) == ZK_OK) zk_nn_run_free(r);
            r = NULL;
            if (zeros && zk_nn_run_float(m, in, &r, &err) == ZK_OK) zk_nn_run_free(r);
            free(zeros);
        }
    }
    zk_nn_free(m);
    return 0;
}

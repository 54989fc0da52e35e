/* zkml infer model.onnx input.json [--float] [--json] [quantization flags]:
 * calibrates (on the input itself, or --calib file), runs the exact
 * fixed-point engine and prints the dequantized output. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_nn.h"
#include "nn/nn_json.h"

static void print_values(const double *v, int64_t n) {
    for (int64_t k = 0; k < n; k++) printf("%s%.8g", k ? " " : "  ", v[k]);
    printf("\n");
}

static double **load_inputs(const zk_nn_model *m, const char *path, zk_error *err, zk_status *st) {
    size_t len;
    char *text = zk_cli_read_file(path, &len);
    if (!text) {
        *st = zk_fail(err, ZK_ERR_IO, "cannot read '%s'", path);
        return NULL;
    }
    double **in = NULL;
    *st = zk_nn_inputs_from_json(m, text, len, &in, err);
    free(text);
    return in;
}

int zk_cli_infer(int argc, char **argv) {
    const char *model_path = NULL, *input_path = NULL, *calib_path = NULL;
    int want_float = 0, want_json = 0;
    zk_nn_qopts q;
    zk_nn_qopts_default(&q);
    for (int i = 1; i < argc; i++) {
        int r = zk_cli_qflag(argc, argv, &i, &q);
        if (r < 0) {
            fprintf(stderr, "zkml infer: bad value for %s\n", argv[i - 1 < argc ? i : argc - 1]);
            return 2;
        }
        if (r) continue;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: zkml infer model.onnx input.json [options]\n"
                   "Input: {\"input_data\": [[...], ...]} (one array per graph input) or a plain array.\n"
                   "Calibrates on the input (or --calib file.json), runs the exact fixed-point\n"
                   "engine and prints the dequantized output.\n"
                   "  --float          also print the float result of the same graph\n"
                   "  --json           print one JSON object {\"output\": [...], \"float_output\": [...]}\n"
                   "  --calib FILE     calibration input (same format) instead of the input\n%s",
                   zk_cli_qflags_help);
            return 0;
        }
        if (!strcmp(argv[i], "--float")) want_float = 1;
        else if (!strcmp(argv[i], "--json")) want_json = 1;
        else if (!strcmp(argv[i], "--calib") && i + 1 < argc) calib_path = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "zkml infer: unknown option '%s'\n", argv[i]);
            return 2;
        } else if (!model_path) model_path = argv[i];
        else if (!input_path) input_path = argv[i];
        else {
            fprintf(stderr, "zkml infer: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!model_path || !input_path) {
        fprintf(stderr, "usage: zkml infer model.onnx input.json [--float] [--json]\n");
        return 2;
    }
    zk_error err = {0};
    zk_nn_model *m = NULL;
    zk_nn_shape shapes[16];
    zk_nn_load_opts lo = {0};
    size_t tlen;
    char *text = zk_cli_read_file(input_path, &tlen);
    if (text) {
        lo.n_input_shapes = zk_nn_shapes_from_json(text, tlen, shapes, 16);
        lo.input_shapes = shapes;
        free(text);
    }
    zk_status st = zk_nn_load_file(model_path, &lo, &m, &err);
    if (st) {
        fprintf(stderr, "zkml infer: %s: %s (%s)\n", model_path, err.msg, zk_status_name(st));
        return 1;
    }
    size_t ni = zk_nn_num_inputs(m), no = zk_nn_num_outputs(m);
    zk_nn_set_keep_trace(m, 0); /* only the outputs are printed */
    double **in = load_inputs(m, input_path, &err, &st), **cal = NULL;
    if (!st && calib_path) cal = load_inputs(m, calib_path, &err, &st);
    zk_nn_run *rq = NULL, *rf = NULL;
    if (!st) {
        const double *const *sample = (const double *const *)(cal ? cal : in);
        st = zk_nn_calibrate(m, &q, q.fixed_scale >= 0 && !calib_path ? 0 : 1, &sample, &err);
    }
    if (!st) st = zk_nn_run_quant(m, (const double *const *)in, &rq, &err);
    if (!st && want_float) st = zk_nn_run_float(m, (const double *const *)in, &rf, &err);
    int rc = 0;
    if (st) {
        fprintf(stderr, "zkml infer: %s (%s)\n", err.msg, zk_status_name(st));
        rc = 1;
    } else {
        cJSON *root = want_json ? cJSON_CreateObject() : NULL;
        cJSON *jo = want_json ? cJSON_AddArrayToObject(root, "output") : NULL;
        cJSON *jf = want_json && rf ? cJSON_AddArrayToObject(root, "float_output") : NULL;
        cJSON *js = want_json ? cJSON_AddArrayToObject(root, "shapes") : NULL;
        cJSON *jsc = want_json ? cJSON_AddArrayToObject(root, "scales") : NULL;
        for (size_t i = 0; i < no; i++) {
            zk_nn_value_info v;
            zk_nn_get_value(m, zk_nn_output(m, i), &v);
            double *buf = malloc((size_t)(v.numel ? v.numel : 1) * sizeof(double));
            if (!buf) { rc = 1; break; }
            zk_nn_run_output(rq, i, buf);
            char sh[256];
            zk_cli_shape(sh, sizeof sh, &v);
            if (want_json) {
                cJSON_AddItemToArray(jo, cJSON_CreateDoubleArray(buf, (int)v.numel));
                cJSON *d = cJSON_CreateArray();
                for (int k = 0; k < v.rank; k++) cJSON_AddItemToArray(d, cJSON_CreateNumber((double)v.dims[k]));
                cJSON_AddItemToArray(js, d);
                cJSON_AddItemToArray(jsc, cJSON_CreateNumber(v.scale));
            } else {
                printf("output %zu '%s' %s %s, scale 2^-%d:\n", i, v.name, zk_cli_dtype(v.dtype), sh, v.scale);
                print_values(buf, v.numel);
            }
            if (rf) {
                zk_nn_run_output(rf, i, buf);
                if (want_json) cJSON_AddItemToArray(jf, cJSON_CreateDoubleArray(buf, (int)v.numel));
                else {
                    printf("float output %zu '%s':\n", i, v.name);
                    print_values(buf, v.numel);
                }
            }
            free(buf);
        }
        if (want_json) {
            char *s = cJSON_PrintUnformatted(root);
            if (s) printf("%s\n", s);
            free(s);
            cJSON_Delete(root);
        }
    }
    zk_nn_run_free(rq);
    zk_nn_run_free(rf);
    zk_nn_inputs_free(in, ni);
    zk_nn_inputs_free(cal, ni);
    zk_nn_free(m);
    return rc;
}

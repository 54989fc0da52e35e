/* zkml inspect model.onnx: ops, shapes, parameter count, unsupported ops. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli_nn.h"
#include "nn/nn_json.h"

int zk_cli_inspect(int argc, char **argv) {
    const char *path = NULL;
    int64_t batch = 1;
    int verbose = 0;
    const char *input_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: zkml inspect model.onnx [--batch N] [--input input.json] [-v]\n"
                   "Symbolic input dimensions take N (default 1) or the \"input_shapes\" of --input.\n"
                   "Lists inputs, outputs, the nodes left after constant folding with their\n"
                   "shapes, op counts, the parameter count and any unsupported op (exit 1).\n");
            return 0;
        } else if (!strcmp(argv[i], "--batch") && i + 1 < argc) batch = atoll(argv[++i]);
        else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) verbose = 1;
        else if (!strcmp(argv[i], "--input") && i + 1 < argc) input_path = argv[++i];
        else if (!path) path = argv[i];
        else {
            fprintf(stderr, "zkml inspect: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!path) {
        fprintf(stderr, "usage: zkml inspect model.onnx\n");
        return 2;
    }
    zk_nn_load_opts lo = {batch, 1, 0, NULL};
    zk_nn_shape shapes[16];
    if (input_path) {
        size_t tlen;
        char *text = zk_cli_read_file(input_path, &tlen);
        if (!text) {
            fprintf(stderr, "zkml inspect: cannot read '%s'\n", input_path);
            return 1;
        }
        lo.n_input_shapes = zk_nn_shapes_from_json(text, tlen, shapes, 16);
        lo.input_shapes = shapes;
        free(text);
    }
    zk_nn_model *m = NULL;
    zk_error err = {0};
    zk_status st = zk_nn_load_file(path, &lo, &m, &err);
    if (st) {
        fprintf(stderr, "zkml inspect: %s: %s (%s)\n", path, err.msg, zk_status_name(st));
        return 1;
    }
    char sh[256];
    zk_nn_value_info v;
    printf("model: %s\nproducer: %s, opset %lld\n", path, zk_nn_producer(m), (long long)zk_nn_opset(m));
    printf("inputs:\n");
    for (size_t i = 0; i < zk_nn_num_inputs(m); i++) {
        zk_nn_get_value(m, zk_nn_input(m, i), &v);
        zk_cli_shape(sh, sizeof sh, &v);
        printf("  %-24s %-5s %s\n", v.name, zk_cli_dtype(v.dtype), sh);
    }
    printf("outputs:\n");
    for (size_t i = 0; i < zk_nn_num_outputs(m); i++) {
        zk_nn_get_value(m, zk_nn_output(m, i), &v);
        if (v.rank < 0) snprintf(sh, sizeof sh, "[?]");
        else zk_cli_shape(sh, sizeof sh, &v);
        printf("  %-24s %-5s %s%s\n", v.name, zk_cli_dtype(v.dtype), sh, v.is_const ? " (constant)" : "");
    }
    size_t nn = zk_nn_num_nodes(m);
    printf("nodes after folding: %zu\n", nn);
    const char *names[256];
    int counts[256];
    int nk = 0;
    for (size_t i = 0; i < nn; i++) {
        zk_nn_node_info ni;
        zk_nn_get_node(m, i, &ni);
        sh[0] = 0;
        if (ni.n_outputs > 0 && ni.outputs[0] >= 0) {
            zk_nn_get_value(m, ni.outputs[0], &v);
            if (v.rank < 0) snprintf(sh, sizeof sh, "[?]");
            else zk_cli_shape(sh, sizeof sh, &v);
        }
        printf("  %4zu  %-20s %-40s -> %s%s\n", i, ni.op, ni.name[0] ? ni.name : "(unnamed)", sh, ni.supported ? "" : "  UNSUPPORTED");
        for (int k = 0; verbose && k < ni.n_inputs; k++) {
            if (ni.inputs[k] < 0) continue;
            zk_nn_value_info in;
            zk_nn_get_value(m, ni.inputs[k], &in);
            zk_cli_shape(sh, sizeof sh, &in);
            printf("          in %d: %-30s %-5s %s%s\n", k, in.name, zk_cli_dtype(in.dtype), sh, in.is_const ? " const" : "");
        }
        int k = 0;
        while (k < nk && strcmp(names[k], ni.op)) k++;
        if (k == nk && nk < 256) {
            names[nk] = ni.op;
            counts[nk++] = 0;
        }
        if (k < 256) counts[k]++;
    }
    printf("ops:");
    for (int k = 0; k < nk; k++) printf(" %s x%d%s", names[k], counts[k], k + 1 < nk ? "," : "");
    printf("\nparameters: %lld\n", (long long)zk_nn_param_count(m));
    size_t nu = zk_nn_num_unsupported(m);
    if (nu) {
        printf("unsupported: %zu node(s)\n", nu);
        for (size_t i = 0; i < nn; i++) {
            zk_nn_node_info ni;
            zk_nn_get_node(m, i, &ni);
            if (!ni.supported) printf("  %s (node '%s')\n", ni.op, ni.name);
        }
    } else {
        printf("unsupported: none\n");
    }
    zk_nn_free(m);
    return nu ? 1 : 0;
}

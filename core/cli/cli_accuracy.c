/* zkml accuracy CORPUS_DIR: runs every model of manifest.json through the
 * fixed-point engine and prints the accuracy table (make accuracy). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli_nn.h"
#include "nn/nn_json.h"

typedef struct {
    char name[64];
    int tier;
    int ran;
    int trained;
    double max_abs, max_rel;
    int agree, total;
    char note[200];
} acc_row;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int argmax(const double *v, int64_t n) {
    int b = 0;
    for (int64_t i = 1; i < n; i++)
        if (v[i] > v[b]) b = (int)i;
    return b;
}

static cJSON *load_json(const char *dir, const char *file) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    size_t len;
    char *t = zk_cli_read_file(path, &len);
    if (!t) return NULL;
    cJSON *j = cJSON_ParseWithLength(t, len);
    free(t);
    return j;
}

/* Flattens a JSON (nested) array of numbers into out (cap entries); returns count. */
static int64_t flat(const cJSON *a, double *out, int64_t cap, int64_t k) {
    if (cJSON_IsNumber(a)) {
        if (k < cap) out[k] = a->valuedouble;
        return k + 1;
    }
    if (cJSON_IsBool(a)) {
        if (k < cap) out[k] = cJSON_IsTrue(a);
        return k + 1;
    }
    for (const cJSON *c = a ? a->child : NULL; c; c = c->next) k = flat(c, out, cap, k);
    return k;
}

static void run_model(const char *corpus, const cJSON *entry, acc_row *row, const zk_nn_qopts *q) {
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(entry, "name"));
    const char *rel = cJSON_GetStringValue(cJSON_GetObjectItem(entry, "path"));
    const char *ref = cJSON_GetStringValue(cJSON_GetObjectItem(entry, "ref_output"));
    snprintf(row->name, sizeof row->name, "%s", name ? name : "?");
    row->tier = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(entry, "tier_needed_after_folding"));
    row->trained = cJSON_GetObjectItem(entry, "test_samples") != NULL;
    if (!rel || !ref) {
        snprintf(row->note, sizeof row->note, "manifest entry incomplete");
        return;
    }
    char dir[1024], path[1200];
    snprintf(dir, sizeof dir, "%s/%s", corpus, rel);
    int patched = 0;
    const cJSON *files = cJSON_GetObjectItem(entry, "files");
    for (const cJSON *f = files ? files->child : NULL; f; f = f->next)
        if (cJSON_IsString(f) && !strcmp(f->valuestring, "network.patched.onnx")) patched = 1;
    snprintf(path, sizeof path, "%s/%s", dir, patched ? "network.patched.onnx" : "network.onnx");
    zk_error err = {0};
    zk_nn_model *m = NULL;
    zk_nn_load_opts lo = {1, 1, 0, NULL};
    zk_nn_shape shapes[16];
    const cJSON *ins = cJSON_GetObjectItem(entry, "inputs");
    for (const cJSON *c = ins ? ins->child : NULL; c && lo.n_input_shapes < 16; c = c->next) {
        zk_nn_shape *sp = &shapes[lo.n_input_shapes++];
        sp->rank = 0;
        const cJSON *su = cJSON_GetObjectItem(c, "shape_used");
        for (const cJSON *d = su ? su->child : NULL; d && sp->rank < ZK_NN_MAX_RANK; d = d->next)
            sp->dims[sp->rank++] = (int64_t)cJSON_GetNumberValue(d);
    }
    lo.input_shapes = shapes;
    zk_status st = zk_nn_load_file(path, &lo, &m, &err);
    if (st) {
        snprintf(row->note, sizeof row->note, "%s", err.msg);
        return;
    }
    zk_nn_set_keep_trace(m, 0);
    if (zk_nn_num_unsupported(m)) {
        char ops[160] = "";
        size_t p = 0;
        for (size_t i = 0; i < zk_nn_num_nodes(m) && p < sizeof ops - 40; i++) {
            zk_nn_node_info ni;
            zk_nn_get_node(m, i, &ni);
            if (!ni.supported && !strstr(ops, ni.op)) p += (size_t)snprintf(ops + p, sizeof ops - p, "%s%s", p ? "," : "", ni.op);
        }
        snprintf(row->note, sizeof row->note, "unsupported op: %s", ops);
        zk_nn_free(m);
        return;
    }
    cJSON *ij = load_json(dir, "input.json"), *rj = load_json(dir, ref);
    double **in = NULL;
    if (!ij || !rj) {
        snprintf(row->note, sizeof row->note, "missing input.json or %s", ref);
        goto done;
    }
    if ((st = zk_nn_inputs_from_cjson(m, ij, &in, &err))) {
        snprintf(row->note, sizeof row->note, "%s", err.msg);
        goto done;
    }
    const double *const *sample = (const double *const *)in;
    if ((st = zk_nn_calibrate(m, q, 1, &sample, &err))) {
        snprintf(row->note, sizeof row->note, "calibrate: %s", err.msg);
        goto done;
    }
    zk_nn_run *rq = NULL;
    if ((st = zk_nn_run_quant(m, sample, &rq, &err))) {
        snprintf(row->note, sizeof row->note, "run: %s", err.msg);
        goto done;
    }
    const cJSON *od = cJSON_GetObjectItem(rj, "output_data");
    size_t no = zk_nn_num_outputs(m);
    if (cJSON_GetArraySize(od) != (int)no) {
        snprintf(row->note, sizeof row->note, "reference has %d outputs, model %zu", cJSON_GetArraySize(od), no);
        zk_nn_run_free(rq);
        goto done;
    }
    row->ran = 1;
    for (size_t i = 0; i < no; i++) {
        zk_nn_value_info v;
        zk_nn_get_value(m, zk_nn_output(m, i), &v);
        double *got = malloc((size_t)(v.numel + 1) * sizeof(double)), *want = malloc((size_t)(v.numel + 1) * sizeof(double));
        if (!got || !want) {
            free(got);
            free(want);
            snprintf(row->note, sizeof row->note, "out of memory");
            row->ran = 0;
            break;
        }
        zk_nn_run_output(rq, i, got);
        int64_t cnt = flat(cJSON_GetArrayItem(od, (int)i), want, v.numel, 0);
        if (cnt != v.numel) {
            snprintf(row->note, sizeof row->note, "output %zu has %lld values, reference %lld", i, (long long)v.numel, (long long)cnt);
            row->ran = 0;
        } else {
            double lo = INFINITY, hi = -INFINITY, amax = 0, e = 0;
            for (int64_t k = 0; k < cnt; k++) {
                lo = want[k] < lo ? want[k] : lo;
                hi = want[k] > hi ? want[k] : hi;
                amax = fabs(want[k]) > amax ? fabs(want[k]) : amax;
                double d = fabs(got[k] - want[k]);
                if (d != d) d = INFINITY;
                e = d > e ? d : e;
            }
            double range = hi - lo > 0 ? hi - lo : amax > 0 ? amax : 1;
            row->max_abs = e > row->max_abs ? e : row->max_abs;
            row->max_rel = e / range > row->max_rel ? e / range : row->max_rel;
        }
        free(got);
        free(want);
    }
    zk_nn_run_free(rq);
    /* trained models: top-1 agreement with the float reference over all test samples */
    if (row->ran && row->trained) {
        cJSON *ts = load_json(dir, "test_samples.json"), *tr = load_json(dir, "test_ref_outputs.json");
        const cJSON *xs = cJSON_GetObjectItem(ts, "inputs"), *ys = cJSON_GetObjectItem(tr, "outputs");
        zk_nn_value_info vi, vo;
        zk_nn_get_value(m, zk_nn_input(m, 0), &vi);
        zk_nn_get_value(m, zk_nn_output(m, 0), &vo);
        double *x = malloc((size_t)(vi.numel + 1) * sizeof(double)), *y = malloc((size_t)(vo.numel + 1) * sizeof(double));
        double *yr = malloc((size_t)(vo.numel + 1) * sizeof(double));
        const cJSON *xe = xs && x && y && yr ? xs->child : NULL, *ye = ys ? ys->child : NULL;
        for (; xe && ye; xe = xe->next, ye = ye->next) {
            if (flat(xe, x, vi.numel, 0) != vi.numel || flat(ye, yr, vo.numel, 0) != vo.numel) {
                snprintf(row->note, sizeof row->note, "test sample of the wrong size");
                break;
            }
            const double *xin[1] = {x};
            zk_nn_run *r = NULL;
            row->total++;
            if (zk_nn_run_quant(m, xin, &r, &err)) {
                snprintf(row->note, sizeof row->note, "sample %d: %s", row->total - 1, err.msg);
                continue;
            }
            zk_nn_run_output(r, 0, y);
            row->agree += argmax(y, vo.numel) == argmax(yr, vo.numel);
            zk_nn_run_free(r);
        }
        free(x);
        free(y);
        free(yr);
        cJSON_Delete(ts);
        cJSON_Delete(tr);
    }
done:
    zk_nn_inputs_free(in, zk_nn_num_inputs(m));
    cJSON_Delete(ij);
    cJSON_Delete(rj);
    zk_nn_free(m);
}

int zk_cli_accuracy(int argc, char **argv) {
    const char *corpus = NULL, *only = NULL;
    zk_nn_qopts q;
    zk_nn_qopts_default(&q);
    for (int i = 1; i < argc; i++) {
        int r = zk_cli_qflag(argc, argv, &i, &q);
        if (r < 0) return 2;
        if (r) continue;
        if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: zkml accuracy CORPUS_DIR [--only NAME] [quantization flags]\n"
                   "Runs every model of CORPUS_DIR/manifest.json, calibrated on its input.json,\n"
                   "against ref_output.json (and test_samples.json for trained models).\n%s",
                   zk_cli_qflags_help);
            return 0;
        } else corpus = argv[i];
    }
    if (!corpus) {
        fprintf(stderr, "usage: zkml accuracy CORPUS_DIR\n");
        return 2;
    }
    cJSON *man = load_json(corpus, "manifest.json");
    if (!man) {
        printf("accuracy: no manifest.json in %s: skipped\n", corpus);
        return 0;
    }
    const cJSON *models = cJSON_GetObjectItem(man, "models");
    int n = cJSON_GetArraySize(models);
    acc_row *rows = calloc((size_t)n + 1, sizeof *rows);
    if (!rows) return 1;
    printf("%-26s %4s %-4s %12s %12s %12s %7s  %s\n", "model", "tier", "runs", "max_abs_err", "max_rel_err", "top1_agree", "secs", "note");
    int k = 0;
    for (const cJSON *e = models ? models->child : NULL; e; e = e->next) {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(e, "name"));
        if (only && (!name || strcmp(name, only))) continue;
        acc_row *row = &rows[k++];
        double t0 = now_s();
        run_model(corpus, e, row, &q);
        double dt = now_s() - t0;
        char top[32] = "-";
        if (row->total) snprintf(top, sizeof top, "%d/%d", row->agree, row->total);
        if (row->ran)
            printf("%-26s %4d %-4s %12.3g %11.4f%% %12s %7.2f  %s\n", row->name, row->tier, "yes", row->max_abs, 100 * row->max_rel, top, dt, row->note);
        else
            printf("%-26s %4d %-4s %12s %12s %12s %7.2f  %s\n", row->name, row->tier, "no", "-", "-", "-", dt, row->note);
        fflush(stdout);
    }
    /* the bars of the issue */
    int fail = 0, runs = 0;
    printf("\nmodels run: ");
    for (int i = 0; i < k; i++) runs += rows[i].ran;
    printf("%d of %d\n", runs, k);
    printf("bar 1 (every model needing only Tier 1-2 ops after folding runs): ");
    int bad = 0;
    for (int i = 0; i < k; i++)
        if (rows[i].tier <= 2 && !rows[i].ran) { printf("%sFAIL %s", bad ? ", " : "", rows[i].name); bad = 1; }
    printf("%s\n", bad ? "" : "PASS");
    fail |= bad;
    printf("bar 2 (top-1 agreement >= 99.5%% on every trained model): ");
    bad = 0;
    for (int i = 0; i < k; i++)
        if (rows[i].trained && (!rows[i].total || rows[i].agree * 1000 < rows[i].total * 995)) { printf("%sFAIL %s", bad ? ", " : "", rows[i].name); bad = 1; }
    printf("%s\n", bad ? "" : "PASS");
    fail |= bad;
    printf("bar 3 (Tier-1-only models: max error <= 1%% of the output range): ");
    bad = 0;
    for (int i = 0; i < k; i++)
        if (rows[i].tier == 1 && (!rows[i].ran || rows[i].max_rel > 0.01)) { printf("%sFAIL %s", bad ? ", " : "", rows[i].name); bad = 1; }
    printf("%s\n", bad ? "" : "PASS");
    fail |= bad;
    free(rows);
    cJSON_Delete(man);
    return fail ? 1 : 0;
}

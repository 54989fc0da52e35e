/* libFuzzer target for everything a verifier reads from an untrusted party:
 * proofs, verifying keys, proving keys and IPA parameters. Any input must give
 * a status (never a crash, a hang or unbounded memory), and a changed proof
 * must never verify.
 *
 * A valid instance is built once: the halo2_mac circuit at k = 4, its keys
 * (our VK encoding), a proof with a fixed seed, and the params and proving-key
 * files. The first input byte picks what the rest is:
 *   0  a verifying key, read as is (and, if it reads, used to verify the
 *      valid proof);
 *   1  a proof, verified as is;
 *   2  edits to the valid proof: (offset, xor) byte pairs; the result must
 *      not verify unless the edits cancel out;
 *   3  edits to the valid VK encoding, which is then read and used;
 *   4  IPA parameters (halo2 or compact format), read as is;
 *   5  edits to the valid proving-key file, which is then read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/mac.h"
#include "commit/params.h"
#include "plonk/keygen.h"
#include "plonk/prover.h"
#include "plonk/verifier.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
    int ready;
    zk_ipa_params *params;
    zk_plonk_vk *vk;
    zk_plonk_pk *pk;
    zk_assignment *asg;
    uint8_t *proof, *vk_bytes, *pk_bytes;
    size_t proof_len, vk_len, pk_len;
} g;

static void setup(void) {
    zk_cs *cs = NULL;
    zk_error err;
    zk_rng rng;
    zk_transcript t;
    if (zk_mac_build(4, &cs, &g.asg, &err) != ZK_OK || zk_ipa_params_new(&g.params, 4, 0) != ZK_OK ||
        zk_plonk_keygen(g.params, cs, g.asg, ZK_VK_TRANSCRIPT_ZKML, 0, &g.vk, &g.pk, &err) != ZK_OK)
        abort();
    zk_rng_init_splitmix64(&rng, 1);
    zk_transcript_init_writer(&t);
    if (zk_plonk_prove_asg(g.params, g.pk, g.asg, &rng, &t, NULL, &err) != ZK_OK ||
        zk_transcript_take_proof(&t, &g.proof, &g.proof_len) != ZK_OK)
        abort();
    zk_transcript_free(&t);
    if (zk_plonk_vk_write(g.vk, &g.vk_bytes, &g.vk_len) != ZK_OK ||
        zk_plonk_pk_write(g.pk, &g.pk_bytes, &g.pk_len) != ZK_OK)
        abort();
    zk_cs_free(cs);
    g.ready = 1;
}

/* Verifies against the valid statement (one instance column). A VK read
 * from fuzzed bytes may declare another column count: the caller's contract
 * (verifier.h) is to check that first, as this does. */
static zk_status verify_with(const zk_plonk_vk *vk, const uint8_t *proof, size_t len) {
    if (vk->cs->num_instance != 1) return ZK_ERR_SHAPE;
    const zk_fp *inst[1] = {zk_asg_instance(g.asg, 0)};
    return zk_plonk_verify(g.params, vk, inst, g.asg->instance_len, proof, len, NULL);
}

/* Copies base and applies (offset, xor) pairs from edits; returns the copy
 * (caller frees) and whether it differs from base. */
static uint8_t *patched(const uint8_t *base, size_t len, const uint8_t *edits, size_t n, int *changed) {
    uint8_t *b = malloc(len ? len : 1);
    if (!b) abort();
    memcpy(b, base, len);
    for (size_t i = 0; i + 2 < n && len; i += 3) {
        size_t off = ((size_t)edits[i] | (size_t)edits[i + 1] << 8) % len;
        b[off] ^= edits[i + 2];
    }
    *changed = memcmp(b, base, len) != 0;
    return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!g.ready) setup();
    if (size < 1) return 0;
    const uint8_t *d = data + 1;
    size_t n = size - 1;
    zk_plonk_vk *vk = NULL;
    zk_plonk_pk *pk = NULL;
    zk_ipa_params *p = NULL;
    int changed = 0;
    uint8_t *b;
    switch (data[0] % 6) {
    case 0:
        if (zk_plonk_vk_read(&vk, d, n, NULL) == ZK_OK) {
            (void)verify_with(vk, g.proof, g.proof_len);
            zk_plonk_vk_free(vk);
        }
        break;
    case 1:
        if (verify_with(g.vk, d, n) == ZK_OK && (n != g.proof_len || memcmp(d, g.proof, n) != 0)) {
            /* another valid proof for the same statement is possible in
             * principle (a fresh prover run), but not from a fuzzer */
            fprintf(stderr, "fuzz_proof: a foreign proof verified\n");
            abort();
        }
        break;
    case 2:
        b = patched(g.proof, g.proof_len, d, n, &changed);
        if (changed && verify_with(g.vk, b, g.proof_len) == ZK_OK) {
            fprintf(stderr, "fuzz_proof: an edited proof verified\n");
            abort();
        }
        free(b);
        break;
    case 3:
        b = patched(g.vk_bytes, g.vk_len, d, n, &changed);
        if (zk_plonk_vk_read(&vk, b, g.vk_len, NULL) == ZK_OK) {
            zk_status st = verify_with(vk, g.proof, g.proof_len);
            /* the VK id seeds the transcript: a changed VK cannot accept the proof */
            if (changed && st == ZK_OK) {
                fprintf(stderr, "fuzz_proof: the proof verified under an edited VK\n");
                abort();
            }
            zk_plonk_vk_free(vk);
        }
        free(b);
        break;
    case 4:
        if (zk_ipa_params_read(&p, d, n, 0, NULL) == ZK_OK) zk_ipa_params_free(p);
        break;
    case 5:
        b = patched(g.pk_bytes, g.pk_len, d, n, &changed);
        if (zk_plonk_pk_read(g.params, b, g.pk_len, 0, &pk, NULL) == ZK_OK) zk_plonk_pk_free(pk);
        free(b);
        break;
    }
    return 0;
}

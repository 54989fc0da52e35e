/* halo2_mac: the benchmark circuit family of ../shared/bench/README.md, built
 * in C for any k >= 4, identical to what halo2_proofs 0.3.2 builds (same
 * post-keygen constraint system, fixed columns, witness, copies, instance).
 *
 * Columns: advice a, b, c, d (0..3); fixed w (0), t (1, lookup table),
 * q_range (2, compressed complex selector), q_mac (3, compressed simple
 * selector); instance inst (0). Equality on a, b, c, d, inst.
 * Gate "mac": q_mac * (d[cur] - ((d[prev] + a*b) + c*w)).
 * Lookup: q_range * a in t.
 * n = 2^k, U = n - 6 usable rows; w and the witness come from SplitMix64
 * seeds "MACFIXED" and "MACWITNS"; instance = [d[0], d[U-1]]. */
#ifndef ZK_CIRCUITS_MAC_H
#define ZK_CIRCUITS_MAC_H

#include <stdint.h>

#include "plonk/assign.h"
#include "plonk/cs.h"
#include "util/status.h"

#define ZK_MAC_SEED_FIXED 0x4d41434649584544ULL   /* "MACFIXED" */
#define ZK_MAC_SEED_WITNESS 0x4d41435749544e53ULL /* "MACWITNS" */
#define ZK_MAC_SEED_PROVER 0x4d414350524f5645ULL  /* "MACPROVE": the reference prover's RNG */
#define ZK_MAC_MIN_K 4

/* The constraint system (the same for every k), as the verifying key holds it. */
zk_status zk_mac_cs(zk_cs **out, zk_error *err);

/* The whole circuit at size 2^k: constraint system and assignment (fixed
 * columns after keygen, witness rows 0..U-1, instance, the 5 copies in
 * synthesis order; assigned cells tracked). The caller frees both. */
zk_status zk_mac_build(uint32_t k, zk_cs **cs_out, zk_assignment **asg_out, zk_error *err);

#endif

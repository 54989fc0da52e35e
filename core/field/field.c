#include "field/field.h"

#include <stdlib.h>
#include <string.h>

#define ZF_T zk_fp
#define ZF_(fn) zk_fp_##fn
#define ZF_C(name) ZK_FP_##name
#include "field/field_generic.inc"
#undef ZF_T
#undef ZF_
#undef ZF_C

#define ZF_T zk_fq
#define ZF_(fn) zk_fq_##fn
#define ZF_C(name) ZK_FQ_##name
#include "field/field_generic.inc"
#undef ZF_T
#undef ZF_
#undef ZF_C

/*
 * module.c - the whole scheduler module as one translation unit for the
 * host tests (they include the module's sources so that its internals are
 * reachable, see docs/development.md). Every static name in the module is
 * unique across its files, which this inclusion relies on.
 */
#include "../../sched/account.c"
#include "../../sched/budget.c"
#include "../../sched/domain.c"
#include "../../sched/entitlement.c"
#include "../../sched/pick.c"
#include "../../sched/place.c"
#include "../../sched/rbtree.c"
#include "../../sched/reserve.c"
#include "../../sched/runq.c"
#include "../../sched/sched.c"
#include "../../sched/vcpu.c"
#include "../../sched/vtime.c"

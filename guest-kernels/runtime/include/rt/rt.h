/*
 * rt/rt.h - everything a test guest uses from the runtime, in one include.
 * docs/test-guests.md describes the API.
 */
#ifndef RT_RT_H
#define RT_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rt/apic.h"
#include "rt/boot.h"
#include "rt/console.h"
#include "rt/cpu.h"
#include "rt/fault.h"
#include "rt/format.h"
#include "rt/hypercall.h"
#include "rt/layout.h"
#include "rt/memory.h"
#include "rt/paging.h"
#include "rt/params.h"
#include "rt/result.h"
#include "rt/string.h"
#include "rt/sync.h"
#include "rt/test.h"
#include "rt/time.h"
#include "rt/trap.h"
#include "rt/x86.h"

#endif

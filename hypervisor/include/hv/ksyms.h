/*
 * ksyms.h - the hypervisor's own symbol table, for readable stack traces.
 *
 * The build links the image twice: the second link adds a table of every
 * text symbol (address, name) generated from the first (tools/gen_ksyms.py).
 * The table sits at the end of .rodata, so adding it moves no code.
 */
#ifndef HV_KSYMS_H
#define HV_KSYMS_H

#include <stdint.h>

/* Finds the function containing addr: its name and the offset into it.
 * Returns NULL when addr is outside the hypervisor's text. */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);

#endif

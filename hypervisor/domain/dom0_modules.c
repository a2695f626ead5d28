/*
 * dom0_modules.c - which Multiboot2 modules are dom0's (see hv/dom0.h,
 * docs/dom0.md): its kernel is the module whose line starts with the word
 * `dom0` (the rest is dom0's Linux command line), its initramfs the one
 * whose line is `initrd=dom0`. Pure: also built into host tests.
 */
#include "hv/dom0.h"
#include "hv/cmdline.h"
#include "hv/lib.h"

static bool first_word_is_dom0(const char *line)
{
	struct cmdline_token t;

	return cmdline_next(&line, &t) && cmdline_key_is(&t, "dom0") && !t.value;
}

static bool is_dom0_initrd(const char *line)
{
	struct cmdline_token t;

	return cmdline_next(&line, &t) && cmdline_key_is(&t, "initrd") && t.value &&
	       t.value_len == 4 && strncmp(t.value, "dom0", 4) == 0;
}

bool dom0_module_line(const char *line)
{
	return first_word_is_dom0(line) || is_dom0_initrd(line);
}

int dom0_kernel_module(const struct boot_info *bi)
{
	for (unsigned i = 0; i < bi->nr_modules; i++)
		if (first_word_is_dom0(bi->modules[i].cmdline))
			return (int)i;
	return -1;
}

int dom0_initrd_module(const struct boot_info *bi)
{
	for (unsigned i = 0; i < bi->nr_modules; i++)
		if (is_dom0_initrd(bi->modules[i].cmdline))
			return (int)i;
	return -1;
}

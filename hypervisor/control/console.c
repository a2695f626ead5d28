/*
 * console.c - CONSOLE_READ and CONSOLE_WRITE: a domain's console output,
 * numbered byte by byte (domain/dom_console.c keeps the last
 * DOM_CONSOLE_RING_SIZE bytes), and input to it as if typed.
 *
 * Input goes to a Linux domain's ttyS0 (its UART, through the platform's
 * input buffer); a test-kernel domain has no console input (-ENODEV).
 */
#include "ctl.h"
#include "hv/domain.h"
#include "hv/dom_console.h"
#include "hv/linux_guest.h"
#include "hv/lib.h"
#include "hv/errno.h"

int ctl_console_read(struct ctl_call *k)
{
	struct muxv_console *con = &k->c.u.console;
	int err = ctl_check_console(&k->c, &k->err_field);
	struct domain *d = err ? NULL : ctl_domain(k, &err);

	if (!d)
		return err;
	con->count = dom_console_read(d, &con->seq, k->buf, k->buf_len, &con->lost);
	k->out_len = con->count;
	return 0;
}

int ctl_console_write(struct ctl_call *k)
{
	struct muxv_console *con = &k->c.u.console;
	int err = ctl_check_console(&k->c, &k->err_field);
	struct domain *d = err ? NULL : ctl_domain(k, &err);

	if (!d)
		return err;
	if (d->cfg.kind != DOMAIN_LINUX || !d->platform)
		return ctl_fail(k, -ENODEV, CTL_FIELD(hdr.domid));
	if (k->buf_len > linux_platform_input_room(d))
		return ctl_fail(k, -EAGAIN, CTL_FIELD(hdr.buf_len));
	con->count = (uint32_t)linux_platform_input(d, (const char *)k->buf, k->buf_len);
	return 0;
}

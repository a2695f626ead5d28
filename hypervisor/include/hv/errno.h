/*
 * errno.h - error codes of the hypervisor, as negative return values.
 *
 * The numbers are Linux's, so that the dom0 kernel module can hand a
 * hypervisor error to userspace unchanged. They are part of the public ABI
 * (hypercalls return them); never renumber.
 */
#ifndef HV_ERRNO_H
#define HV_ERRNO_H

#define EPERM      1   /* caller may not do this */
#define ENOENT     2   /* no such object */
#define ESRCH      3   /* no such domain/vCPU */
#define EIO        5
#define E2BIG      7   /* argument list/size too large */
#define EAGAIN    11   /* try again */
#define ENOMEM    12   /* out of memory */
#define EACCES    13
#define EFAULT    14   /* bad guest address */
#define EBUSY     16   /* object in use / wrong state */
#define EEXIST    17
#define ENODEV    19
#define EINVAL    22   /* bad argument */
#define ENOSPC    28   /* capacity exhausted (e.g. admission control) */
#define ERANGE    34   /* value out of range */
#define ENOSYS    38   /* unknown call number */
#define ENOTSUP   95   /* valid but unsupported */
#define EPROTO    71   /* protocol (interface version) mismatch */
#define EOVERFLOW 75
#define ETIMEDOUT 110

#endif

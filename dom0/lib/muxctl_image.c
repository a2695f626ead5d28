/*
 * muxctl_image.c - kernel and initrd images: create, write, seal, release,
 * and the whole upload of a file.
 */
#include "muxctl_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int muxctl_image_create(struct muxctl *h, uint64_t size, uint32_t *id)
{
	struct muxv_ctl c;
	muxctl_clear_error();
	if (size == 0 || size > MUXV_CTL_IMAGE_MAX)
		return muxctl_fail(MUXV_CTL_IMAGE_CREATE, E2BIG, "image_create.size",
				   "%llu bytes; 1..%u", (unsigned long long)size, MUXV_CTL_IMAGE_MAX);
	muxctl_req(&c, MUXV_CTL_IMAGE_CREATE, 0);
	c.u.image_create.size = size;
	int rc = muxctl_call(h, &c);
	if (!rc)
		*id = c.u.image_create.image_id;
	return rc;
}

int muxctl_image_write(struct muxctl *h, uint32_t id, uint64_t offset, const void *data,
		       size_t len)
{
	struct muxv_ctl c;
	muxctl_clear_error();
	if (len == 0 || len > MUXV_CTL_BUF_MAX)
		return muxctl_fail(MUXV_CTL_IMAGE_WRITE, EINVAL, "hdr.buf_len",
				   "%zu bytes; 1..%u per write", len, MUXV_CTL_BUF_MAX);
	muxctl_req(&c, MUXV_CTL_IMAGE_WRITE, 0);
	c.u.image_write.image_id = id;
	c.u.image_write.offset = offset;
	muxctl_req_buf(&c, MUXV_BUF_IN, data, len);
	return muxctl_call(h, &c);
}

static int muxctl_image_ref(struct muxctl *h, uint32_t op, uint32_t id)
{
	struct muxv_ctl c;
	muxctl_req(&c, op, 0);
	c.u.image.image_id = id;
	return muxctl_call(h, &c);
}

int muxctl_image_seal(struct muxctl *h, uint32_t id)
{
	return muxctl_image_ref(h, MUXV_CTL_IMAGE_SEAL, id);
}

int muxctl_image_release(struct muxctl *h, uint32_t id)
{
	return muxctl_image_ref(h, MUXV_CTL_IMAGE_RELEASE, id);
}

/* Writes the file's size bytes from fd into image id, chunk by chunk. */
static int muxctl_image_fill(struct muxctl *h, uint32_t id, int fd, uint64_t size,
			     const char *path)
{
	char *chunk = malloc(MUXV_CTL_BUF_MAX);
	uint64_t off = 0;
	int rc = chunk ? 0 : -ENOMEM;
	while (!rc && off < size) {
		size_t want = size - off < MUXV_CTL_BUF_MAX ? size - off : MUXV_CTL_BUF_MAX;
		ssize_t got = pread(fd, chunk, want, (off_t)off);
		if (got <= 0) {
			int err = got < 0 ? errno : EIO;
			rc = muxctl_fail(MUXV_CTL_IMAGE_WRITE, err, NULL, "reading %s at %llu: %s",
					 path, (unsigned long long)off,
					 got < 0 ? strerror(err) : "file shrank");
			break;
		}
		rc = muxctl_image_write(h, id, off, chunk, (size_t)got);
		off += (uint64_t)got;
	}
	free(chunk);
	return rc;
}

int muxctl_image_upload(struct muxctl *h, const char *path, uint32_t *id)
{
	struct stat st;
	muxctl_clear_error();
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int err = fd < 0 ? errno : (errno ? errno : EINVAL);
		if (fd >= 0 && !S_ISREG(st.st_mode))
			err = EINVAL;
		if (fd >= 0)
			close(fd);
		return muxctl_fail(MUXV_CTL_IMAGE_CREATE, err, NULL, "%s: %s", path,
				   err == EINVAL ? "not a regular file" : strerror(err));
	}
	uint32_t img = 0;
	int rc = muxctl_image_create(h, (uint64_t)st.st_size, &img);
	if (!rc)
		rc = muxctl_image_fill(h, img, fd, (uint64_t)st.st_size, path);
	if (!rc)
		rc = muxctl_image_seal(h, img);
	close(fd);
	if (rc && img) {
		/* The release must not overwrite the error that matters. */
		char msg[320], field[64];
		snprintf(msg, sizeof msg, "%s", muxctl_errmsg());
		snprintf(field, sizeof field, "%s", muxctl_errfield());
		muxctl_image_release(h, img);
		muxctl_restore_error(msg, field);
	}
	if (!rc)
		*id = img;
	return rc;
}

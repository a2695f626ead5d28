/*
 * driver_muxvisor_images.c - kernels and initrds uploaded to the
 * hypervisor once and shared by every domain that boots them.
 *
 * The driver keeps one reference per file (path, size, mtime); a changed
 * file is uploaded again and the old image released (domains still using
 * it keep it alive in the hypervisor). The list is saved to
 * STATE-DIR/muxvisor/images with dom0's boot id, so a restarted muxd reuses
 * the images its predecessor uploaded instead of leaking them; after a
 * reboot of the platform (a new boot id) the file is ignored. An image id
 * read back is trusted only if the hypervisor still knows it as sealed
 * (IMAGE_SEAL answers -EBUSY).
 */
#include "driver_muxvisor.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"

static void mv_images_path(const struct mv *mv, char *buf, size_t n)
{
	snprintf(buf, n, "%s/images", mv->dir);
}

static void mv_images_save(const struct mv *mv)
{
	char path[1200], tmp[1210];
	mv_images_path(mv, path, sizeof path);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "boot_id %s\n", mv->boot_id);
	for (size_t i = 0; i < mv->nimages; i++)
		fprintf(f, "%u %" PRIu64 " %" PRId64 " %s\n", mv->images[i].id, mv->images[i].size,
			mv->images[i].mtime_ns, mv->images[i].path);
	if (fclose(f) == 0)
		rename(tmp, path);
}

static int mv_images_add(struct mv *mv, const struct mv_image *im)
{
	struct mv_image *v = realloc(mv->images, (mv->nimages + 1) * sizeof *v);
	if (!v)
		return -ENOMEM;
	mv->images = v;
	mv->images[mv->nimages++] = *im;
	return 0;
}

void mv_images_load(struct mv *mv)
{
	char path[1200], line[1200], boot[80];
	mv_images_path(mv, path, sizeof path);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(line, sizeof line, f) || sscanf(line, "boot_id %79s", boot) != 1 ||
	    strcmp(boot, mv->boot_id) != 0) {
		fclose(f);
		return;   /* another boot: those ids mean nothing now */
	}
	while (fgets(line, sizeof line, f)) {
		struct mv_image im;
		int used = 0;
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%u %" SCNu64 " %" SCNd64 " %n", &im.id, &im.size, &im.mtime_ns,
			   &used) != 3 || !used)
			continue;
		snprintf(im.path, sizeof im.path, "%s", line + used);
		if (muxctl_image_seal(mv->h, im.id) == -EBUSY)
			mv_images_add(mv, &im);
	}
	fclose(f);
	log_info("muxvisor", "msg=\"images reused\" count=%zu", mv->nimages);
}

void mv_images_free(struct mv *mv)
{
	free(mv->images);
	mv->images = NULL;
	mv->nimages = 0;
}

/* The cached image of path if the file is unchanged; releases a stale one. */
static bool mv_image_cached(struct mv *mv, const char *path, const struct stat *st, uint32_t *id)
{
	int64_t mtime = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	for (size_t i = 0; i < mv->nimages; i++) {
		struct mv_image *im = &mv->images[i];
		if (strcmp(im->path, path) != 0)
			continue;
		if (im->size == (uint64_t)st->st_size && im->mtime_ns == mtime) {
			*id = im->id;
			return true;
		}
		muxctl_image_release(mv->h, im->id);
		*im = mv->images[--mv->nimages];
		return false;
	}
	return false;
}

int mv_image_get(struct mv *mv, const char *path, uint32_t *id)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		drv_set_errmsg("image %s: %s", path, strerror(errno));
		return -EIO;
	}
	pthread_mutex_lock(&mv->lock);
	int rc = 0;
	if (!mv_image_cached(mv, path, &st, id)) {
		struct mv_image im = {
			.size = (uint64_t)st.st_size,
			.mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
		};
		snprintf(im.path, sizeof im.path, "%s", path);
		rc = muxctl_image_upload(mv->h, path, &im.id);
		if (rc) {
			rc = mv_fail("image upload", NULL, rc);
		} else if ((rc = mv_images_add(mv, &im)) != 0) {
			muxctl_image_release(mv->h, im.id);
		} else {
			*id = im.id;
			log_info("muxvisor", "msg=\"image uploaded\" path=%s id=%u bytes=%" PRIu64,
				 path, im.id, im.size);
		}
		mv_images_save(mv);
	}
	pthread_mutex_unlock(&mv->lock);
	return rc;
}

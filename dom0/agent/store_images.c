/*
 * store_images.c - images servers are provisioned from. An image in use by
 * a server cannot be deleted (ON DELETE RESTRICT).
 */
#include "store.h"

#include <errno.h>

#define IMAGE_COLS "id, name, os, kind, path, format, initrd, cmdline, created_at"

static void store_image_row(sqlite3_stmt *st, void *out)
{
	struct image *im = out;
	im->id = sqlite3_column_int64(st, 0);
	store_copy_text(im->name, sizeof im->name, st, 1);
	store_copy_text(im->os, sizeof im->os, st, 2);
	store_copy_text(im->kind, sizeof im->kind, st, 3);
	store_copy_text(im->path, sizeof im->path, st, 4);
	store_copy_text(im->format, sizeof im->format, st, 5);
	store_copy_text(im->initrd, sizeof im->initrd, st, 6);
	store_copy_text(im->cmdline, sizeof im->cmdline, st, 7);
	im->created_at = sqlite3_column_int64(st, 8);
}

int store_image_insert(struct store_conn *c, struct image *im)
{
	static const char sql[] = "INSERT INTO images (name, os, kind, path, format, initrd, "
		"cmdline, created_at) VALUES (?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	im->created_at = store_now();
	const char *texts[] = { im->name, im->os, im->kind, im->path, im->format, im->initrd,
				im->cmdline };
	for (int i = 0; i < 7; i++)
		sqlite3_bind_text(st, i + 1, texts[i], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, im->created_at);
	int rc = store_run(c, st, sql);
	if (!rc)
		im->id = sqlite3_last_insert_rowid(store_db(c));
	return rc;
}

int store_image_get(struct store_conn *c, int64_t id, struct image *im)
{
	static const char sql[] = "SELECT " IMAGE_COLS " FROM images WHERE id = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, id);
	return store_get_one(c, st, sql, store_image_row, im);
}

int store_image_list(struct store_conn *c, int64_t after, unsigned limit,
		     struct image **out, size_t *n)
{
	static const char sql[] = "SELECT " IMAGE_COLS " FROM images WHERE id > ? "
		"ORDER BY id LIMIT ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, (int)limit);
	return store_get_many(c, st, sql, limit, sizeof **out, store_image_row, (void **)out, n);
}

int store_image_delete(struct store_conn *c, int64_t id)
{
	static const char sql[] = "DELETE FROM images WHERE id = ?";
	return store_by_id(c, sql, id);
}

/* embed.c - lookup of compiled-in assets by name (see embed.h). */
#include "embed.h"

#include <string.h>

const struct embed_file *embed_asset(const char *name)
{
	for (unsigned i = 0; i < embed_assets_count; i++)
		if (strcmp(embed_assets[i].name, name) == 0)
			return &embed_assets[i];
	return NULL;
}

/*
 * linux_boot.c - reading a bzImage and writing its zero page.
 *
 * A bzImage (Linux Documentation/x86/boot.rst) is a real-mode setup of
 * (setup_sects + 1) 512-byte sectors, whose second sector holds the setup
 * header at 0x1F1, followed by the protected-mode kernel of syssize * 16
 * bytes (a signed Debian kernel carries its signature after that). The
 * 64-bit boot protocol skips the real-mode setup entirely: the loader puts
 * the protected-mode kernel in memory, writes a struct boot_params ("zero
 * page", zero-page.rst) holding a copy of the setup header plus what
 * firmware would have reported (E820 map, ACPI RSDP), and jumps to the
 * kernel's load address + 0x200 in long mode (linux_boot_plan.c).
 *
 * Input is untrusted: the image comes from a Multiboot2 module, so every
 * field is bounds-checked against the file before it is used, and a bad
 * image gets -EINVAL with a static reason string.
 *
 * Layouts: struct setup_header and struct boot_params below mirror
 * boot.rst's header table and zero-page.rst's table, checked by
 * _Static_assert at every field this file uses.
 */
#include "hv/linux_boot.h"
#include "hv/lib.h"
#include "hv/errno.h"

/* The setup header (boot.rst, "The Real-Mode Kernel Header"). */
struct setup_header {
	uint8_t setup_sects;             /* 0x1F1 */
	uint16_t root_flags;
	uint32_t syssize;                /* 0x1F4, in 16-byte units */
	uint16_t ram_size;
	uint16_t vid_mode;               /* 0x1FA */
	uint16_t root_dev;
	uint16_t boot_flag;              /* 0x1FE: 0xAA55 */
	uint16_t jump;                   /* 0x200: EB xx, xx = header end - 0x202 */
	uint32_t header;                 /* 0x202: "HdrS" */
	uint16_t version;                /* 0x206 */
	uint32_t realmode_swtch;
	uint16_t start_sys_seg;
	uint16_t kernel_version;
	uint8_t type_of_loader;          /* 0x210 */
	uint8_t loadflags;               /* 0x211 */
	uint16_t setup_move_size;
	uint32_t code32_start;           /* 0x214 */
	uint32_t ramdisk_image;          /* 0x218 */
	uint32_t ramdisk_size;           /* 0x21C */
	uint32_t bootsect_kludge;
	uint16_t heap_end_ptr;
	uint8_t ext_loader_ver;
	uint8_t ext_loader_type;
	uint32_t cmd_line_ptr;           /* 0x228 */
	uint32_t initrd_addr_max;        /* 0x22C */
	uint32_t kernel_alignment;       /* 0x230 */
	uint8_t relocatable_kernel;      /* 0x234 */
	uint8_t min_alignment;
	uint16_t xloadflags;             /* 0x236 */
	uint32_t cmdline_size;           /* 0x238 */
	uint32_t hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset;         /* 0x248 */
	uint32_t payload_length;         /* 0x24C */
	uint64_t setup_data;             /* 0x250 */
	uint64_t pref_address;           /* 0x258 */
	uint32_t init_size;              /* 0x260 */
	uint32_t handover_offset;        /* 0x264 */
	uint32_t kernel_info_offset;     /* 0x268 */
} __attribute__((packed));

#define HDR_BASE 0x1F1
#define HDR_OFF(f) (HDR_BASE + offsetof(struct setup_header, f))
_Static_assert(HDR_OFF(syssize) == 0x1F4, "syssize");
_Static_assert(HDR_OFF(vid_mode) == 0x1FA, "vid_mode");
_Static_assert(HDR_OFF(boot_flag) == 0x1FE, "boot_flag");
_Static_assert(HDR_OFF(header) == 0x202, "header");
_Static_assert(HDR_OFF(type_of_loader) == 0x210, "type_of_loader");
_Static_assert(HDR_OFF(code32_start) == 0x214, "code32_start");
_Static_assert(HDR_OFF(ramdisk_image) == 0x218, "ramdisk_image");
_Static_assert(HDR_OFF(cmd_line_ptr) == 0x228, "cmd_line_ptr");
_Static_assert(HDR_OFF(kernel_alignment) == 0x230, "kernel_alignment");
_Static_assert(HDR_OFF(xloadflags) == 0x236, "xloadflags");
_Static_assert(HDR_OFF(cmdline_size) == 0x238, "cmdline_size");
_Static_assert(HDR_OFF(payload_offset) == 0x248, "payload_offset");
_Static_assert(HDR_OFF(pref_address) == 0x258, "pref_address");
_Static_assert(HDR_OFF(init_size) == 0x260, "init_size");
_Static_assert(HDR_OFF(kernel_info_offset) == 0x268, "kernel_info_offset");
_Static_assert(sizeof(struct setup_header) == 0x7B, "setup header of protocol 2.15");

/* The zero page (zero-page.rst); fields this loader does not fill are
 * kept as named byte arrays so the offsets stay visible. */
struct boot_params {
	uint8_t screen_info[0x40];               /* 0x000 */
	uint8_t apm_bios_info[0x14];             /* 0x040 */
	uint8_t pad_054[4];
	uint64_t tboot_addr;                     /* 0x058 */
	uint8_t ist_info[0x10];                  /* 0x060 */
	uint64_t acpi_rsdp_addr;                 /* 0x070 */
	uint8_t pad_078[8];
	uint8_t hd0_info[0x10], hd1_info[0x10];  /* 0x080 */
	uint8_t sys_desc_table[0x10];            /* 0x0A0 */
	uint8_t olpc_ofw_header[0x10];           /* 0x0B0 */
	uint32_t ext_ramdisk_image;              /* 0x0C0 */
	uint32_t ext_ramdisk_size;               /* 0x0C4 */
	uint32_t ext_cmd_line_ptr;               /* 0x0C8 */
	uint8_t pad_0cc[0x140 - 0xCC];
	uint8_t edid_info[0x80];                 /* 0x140 */
	uint8_t efi_info[0x20];                  /* 0x1C0 */
	uint32_t alt_mem_k;                      /* 0x1E0 */
	uint32_t scratch;
	uint8_t e820_entries;                    /* 0x1E8 */
	uint8_t eddbuf_entries;
	uint8_t edd_mbr_sig_buf_entries;
	uint8_t kbd_status;
	uint8_t secure_boot;
	uint8_t pad_1ed[2];
	uint8_t sentinel;                        /* 0x1EF: stays 0 */
	uint8_t pad_1f0;
	struct setup_header hdr;                 /* 0x1F1 */
	uint8_t pad_26c[0x290 - HDR_BASE - sizeof(struct setup_header)];
	uint32_t edd_mbr_sig_buffer[16];         /* 0x290 */
	struct linux_boot_e820_entry e820_table[LINUX_BOOT_E820_MAX]; /* 0x2D0 */
	uint8_t pad_cd0[0xD00 - 0xCD0];
	uint8_t eddbuf[0x1EC];                   /* 0xD00 */
	uint8_t pad_eec[0x1000 - 0xEEC];
} __attribute__((packed));

_Static_assert(sizeof(struct linux_boot_e820_entry) == 20, "E820 entry is 20 bytes");
_Static_assert(sizeof(struct boot_params) == LINUX_BOOT_PARAMS_SIZE, "zero page is 4 KiB");
_Static_assert(offsetof(struct boot_params, acpi_rsdp_addr) == 0x070, "acpi_rsdp_addr");
_Static_assert(offsetof(struct boot_params, ext_ramdisk_image) == 0x0C0, "ext_ramdisk_image");
_Static_assert(offsetof(struct boot_params, ext_cmd_line_ptr) == 0x0C8, "ext_cmd_line_ptr");
_Static_assert(offsetof(struct boot_params, e820_entries) == 0x1E8, "e820_entries");
_Static_assert(offsetof(struct boot_params, sentinel) == 0x1EF, "sentinel");
_Static_assert(offsetof(struct boot_params, hdr) == HDR_BASE, "setup header");
_Static_assert(offsetof(struct boot_params, e820_table) == 0x2D0, "e820_table");
_Static_assert(offsetof(struct boot_params, eddbuf) == 0xD00, "eddbuf");

#define BOOT_FLAG_MAGIC     0xAA55
#define HDRS_MAGIC          0x53726448u      /* "HdrS" */
#define PROTOCOL_MIN        0x020C           /* 2.12: xloadflags */
#define HDR_END_MIN         0x26C            /* through handover_offset */
#define LOADED_HIGH         (1u << 0)
#define CAN_USE_HEAP        (1u << 7)
#define LOADER_UNDEFINED    0xFF             /* type_of_loader: no assigned ID */
#define VID_MODE_NORMAL     0xFFFF
#define KERNEL_MEM_MAX      GiB(1)           /* no kernel needs more to boot */

/* Records why the image or request is rejected. */
static int fail(const char **why, const char *reason)
{
	*why = reason;
	return -EINVAL;
}

static uint64_t header_end(const uint8_t *image)
{
	return 0x202u + image[0x201];
}

/* Checks the magic numbers and the protocol version; reads only
 * image[0..0x26C), which the caller has made sure exists. */
static int check_magic(const uint8_t *image, const struct setup_header *h, const char **why)
{
	if (h->boot_flag != BOOT_FLAG_MAGIC)
		return fail(why, "no 0xAA55 boot flag at 0x1FE");
	if (h->header != HDRS_MAGIC)
		return fail(why, "no \"HdrS\" magic at 0x202: not a bzImage");
	if (image[0x200] != 0xEB || header_end(image) < HDR_END_MIN)
		return fail(why, "no short jump over a 2.12+ setup header at 0x200");
	if (h->version < PROTOCOL_MIN)
		return fail(why, "boot protocol older than 2.12 (no 64-bit entry)");
	if (!(h->loadflags & LOADED_HIGH))
		return fail(why, "LOADED_HIGH clear: zImage, not bzImage");
	if (!(h->xloadflags & LINUX_BOOT_XLF_KERNEL_64))
		return fail(why, "XLF_KERNEL_64 clear: no 64-bit entry point");
	return 0;
}

/* Checks where the protected-mode kernel is and what it asks for. */
static int check_layout(const struct setup_header *h, size_t len,
			struct linux_boot_image *img, const char **why)
{
	uint64_t setup = ((uint64_t)(h->setup_sects ? h->setup_sects : 4) + 1) * 512;
	uint64_t file = (uint64_t)h->syssize * 16;

	if (setup >= len)
		return fail(why, "setup_sects puts the kernel outside the file");
	if (file == 0 || file > len - setup)
		return fail(why, "truncated: syssize runs past the end of the file");
	if ((uint64_t)h->payload_offset + h->payload_length > file || h->payload_length == 0)
		return fail(why, "payload outside the protected-mode kernel");
	if (h->kernel_alignment < KiB(4) || (h->kernel_alignment & (h->kernel_alignment - 1)) ||
	    h->kernel_alignment > GiB(1))
		return fail(why, "kernel_alignment is not a power of two in [4 KiB, 1 GiB]");
	if (h->pref_address < MiB(1) || !IS_ALIGNED(h->pref_address, KiB(4)) ||
	    h->pref_address > GiB(512))
		return fail(why, "pref_address below 1 MiB, unaligned or beyond 512 GiB");
	if (h->init_size == 0 || h->init_size > KERNEL_MEM_MAX)
		return fail(why, "init_size is 0 or above 1 GiB");
	if (h->cmdline_size == 0)
		return fail(why, "cmdline_size is 0");
	img->version = h->version;
	img->kernel_offset = setup;
	img->kernel_file_size = file;
	img->kernel_mem_size = MAX((uint64_t)h->init_size, file);
	img->pref_address = h->pref_address;
	img->kernel_alignment = h->kernel_alignment;
	img->relocatable = h->relocatable_kernel != 0;
	img->initrd_addr_max = h->initrd_addr_max;
	img->cmdline_size = h->cmdline_size;
	img->xloadflags = h->xloadflags;
	return 0;
}

int linux_boot_parse(const void *image, size_t len, struct linux_boot_image *img,
		     const char **why)
{
	const char *unused;
	struct setup_header h;

	if (!why)
		why = &unused;
	if (!image || !img)
		return fail(why, "no image");
	if (len < HDR_END_MIN)
		return fail(why, "truncated: shorter than the setup header");
	memcpy(&h, (const uint8_t *)image + HDR_BASE, sizeof(h));
	int err = check_magic(image, &h, why);
	if (err)
		return err;
	memset(img, 0, sizeof(*img));
	return check_layout(&h, len, img, why);
}

/* ---- E820 ---- */

static bool e820_type_known(uint32_t type)
{
	return (type >= LINUX_BOOT_E820_RAM && type <= LINUX_BOOT_E820_UNUSABLE) ||
	       type == LINUX_BOOT_E820_PMEM;
}

static bool e820_covers(const struct linux_boot_e820_entry *e, uint64_t addr)
{
	return addr >= e->addr && addr - e->addr < e->size;
}

/* The type at addr: non-RAM beats RAM; 0 for a gap; -EINVAL on conflict. */
static int64_t e820_type_at(const struct linux_boot_e820_entry *map, size_t n, uint64_t addr)
{
	uint32_t type = 0;

	for (size_t i = 0; i < n; i++) {
		if (!e820_covers(&map[i], addr))
			continue;
		if (map[i].type == LINUX_BOOT_E820_RAM)
			type = type ? type : LINUX_BOOT_E820_RAM;
		else if (type && type != LINUX_BOOT_E820_RAM && type != map[i].type)
			return -EINVAL;
		else
			type = map[i].type;
	}
	return type;
}

/* The smallest range start or end above addr; false if there is none. */
static bool e820_next_edge(const struct linux_boot_e820_entry *map, size_t n, uint64_t addr,
			   uint64_t *next)
{
	bool found = false;
	uint64_t best = UINT64_MAX;

	for (size_t i = 0; i < n; i++) {
		uint64_t edges[2] = { map[i].addr, map[i].addr + map[i].size };

		for (int k = 0; k < 2; k++)
			if (edges[k] > addr && edges[k] <= best) {
				best = edges[k];
				found = true;
			}
	}
	*next = best;
	return found;
}

/* Appends [addr, end) of type to out, merging with the last entry. */
static int e820_append(struct linux_boot_e820_entry *out, size_t *count, size_t max,
		       uint64_t addr, uint64_t end, uint32_t type)
{
	struct linux_boot_e820_entry *last = *count ? &out[*count - 1] : NULL;

	if (last && last->type == type && last->addr + last->size == addr) {
		last->size += end - addr;
		return 0;
	}
	if (*count == max)
		return -E2BIG;
	out[*count] = (struct linux_boot_e820_entry){ .addr = addr, .size = end - addr, .type = type };
	(*count)++;
	return 0;
}

int linux_boot_e820(const struct linux_boot_e820_entry *map, size_t n,
		    struct linux_boot_e820_entry *out, size_t max)
{
	uint64_t pos = UINT64_MAX, next;
	size_t count = 0;

	if (!map || n == 0 || n > 2 * LINUX_BOOT_E820_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (map[i].size == 0 || map[i].addr + map[i].size < map[i].addr ||
		    !e820_type_known(map[i].type))
			return -EINVAL;
		pos = MIN(pos, map[i].addr);
	}
	/* Walk the elementary intervals between consecutive edges. */
	while (e820_next_edge(map, n, pos, &next)) {
		int64_t type = e820_type_at(map, n, pos);

		if (type < 0)
			return (int)type;
		if (type) {
			int err = e820_append(out, &count, max, pos, next, (uint32_t)type);
			if (err)
				return err;
		}
		pos = next;
	}
	return (int)count;
}

/* ---- the zero page ---- */

static bool below_4g(uint64_t addr, uint64_t size)
{
	return addr <= GiB(4) && size <= GiB(4) - addr;
}

/* Checks the placement rules of boot.rst for cmdline, initrd and kernel. */
static int check_placement(const struct linux_boot_image *img,
			   const struct linux_boot_params_config *cfg, const char **why)
{
	bool high_ok = img->xloadflags & LINUX_BOOT_XLF_CAN_BE_LOADED_ABOVE_4G;
	uint64_t initrd_end = cfg->initrd_addr + cfg->initrd_size;

	if (cfg->kernel_addr < MiB(1))
		return fail(why, "kernel below 1 MiB");
	if (cfg->cmdline_addr == 0 || cfg->cmdline_len > img->cmdline_size)
		return fail(why, "command line missing or longer than cmdline_size");
	if (initrd_end < cfg->initrd_addr || (cfg->initrd_size && cfg->initrd_addr == 0))
		return fail(why, "initrd address wraps or is 0");
	if (cfg->initrd_size && !high_ok && initrd_end - 1 > img->initrd_addr_max)
		return fail(why, "initrd ends above initrd_addr_max");
	if (!high_ok && (!below_4g(cfg->cmdline_addr, cfg->cmdline_len + 1) ||
			 !below_4g(cfg->kernel_addr, img->kernel_mem_size)))
		return fail(why, "kernel or command line above 4 GiB without XLF_CAN_BE_LOADED_ABOVE_4G");
	if (!img->relocatable && cfg->kernel_addr != img->pref_address)
		return fail(why, "non-relocatable kernel not at pref_address");
	if (img->relocatable && !IS_ALIGNED(cfg->kernel_addr, img->kernel_alignment))
		return fail(why, "kernel load address not aligned to kernel_alignment");
	return 0;
}

/* Copies the image's setup header (up to its end, 0x202 + image[0x201],
 * boot.rst "64-bit Boot Protocol") and sets the loader-written fields. */
static void fill_header(struct boot_params *bp, const uint8_t *image,
			const struct linux_boot_params_config *cfg)
{
	uint64_t end = MIN(header_end(image), (uint64_t)offsetof(struct boot_params, edd_mbr_sig_buffer));
	struct setup_header *h = &bp->hdr;

	memcpy((uint8_t *)bp + HDR_BASE, image + HDR_BASE, end - HDR_BASE);
	h->vid_mode = VID_MODE_NORMAL;
	h->type_of_loader = LOADER_UNDEFINED;
	h->loadflags &= (uint8_t)~CAN_USE_HEAP;   /* no real-mode setup runs */
	h->code32_start = (uint32_t)cfg->kernel_addr;
	h->cmd_line_ptr = (uint32_t)cfg->cmdline_addr;
	bp->ext_cmd_line_ptr = (uint32_t)(cfg->cmdline_addr >> 32);
	if (cfg->initrd_size) {
		h->ramdisk_image = (uint32_t)cfg->initrd_addr;
		h->ramdisk_size = (uint32_t)cfg->initrd_size;
		bp->ext_ramdisk_image = (uint32_t)(cfg->initrd_addr >> 32);
		bp->ext_ramdisk_size = (uint32_t)(cfg->initrd_size >> 32);
	}
	h->setup_data = 0;
	h->hardware_subarch = 0;                  /* X86_SUBARCH_PC */
	bp->acpi_rsdp_addr = cfg->acpi_rsdp_addr;
}

int linux_boot_build_params(const void *image, size_t len,
			    const struct linux_boot_params_config *cfg,
			    void *params, const char **why)
{
	struct boot_params *bp = params;
	struct linux_boot_image img;
	const char *unused;

	if (!why)
		why = &unused;
	if (!bp || !cfg)
		return fail(why, "no zero page or configuration");
	memset(bp, 0, sizeof(*bp));
	int err = linux_boot_parse(image, len, &img, why);
	if (!err)
		err = check_placement(&img, cfg, why);
	if (err)
		return err;
	fill_header(bp, image, cfg);
	int n = linux_boot_e820(cfg->map, cfg->map_count, bp->e820_table, LINUX_BOOT_E820_MAX);
	if (n < 0) {
		memset(bp, 0, sizeof(*bp));
		*why = n == -E2BIG ? "memory map needs more than 128 E820 entries"
				   : "bad memory map (empty, wrapping, unknown type or conflict)";
		return n;
	}
	bp->e820_entries = (uint8_t)n;
	return 0;
}

/*
 * linux_boot_plan.c - where a Linux guest's boot pieces go, the page
 * tables and GDT its 64-bit entry needs, and its first registers.
 *
 * Guest-physical layout (RAM from 0; everything below 4 GiB):
 *
 *   0x000000-0x000FFF  left zero (real-mode IVT/BDA: Linux reads the BDA's
 *                      EBDA pointer and base memory size, 0 = defaults)
 *   0x001000-0x007FFF  boot GDT page, PML4, PDPT, four 2 MiB-page PDs
 *                      (identity map of the first 4 GiB)
 *   0x008000-0x008FFF  boot stack (RSP = 0x9000)
 *   0x009000-0x009FFF  zero page (struct boot_params)
 *   0x00A000-0x00FFFF  command line (boot.rst wants it below 0xA0000)
 *   0x010000-0x09FFFF  free RAM; Linux puts its SMP trampoline below 1 MiB
 *   0x0A0000-0x0FFFFF  not RAM (the PC's VGA/BIOS hole, which Linux
 *                      reserves anyway)
 *   0x100000-...       ACPI tables (E820 type 3), page-rounded
 *   pref_address       protected-mode kernel, init_size bytes of room
 *   ...                free RAM
 *   top - initrd       initrd, as high as possible below min(initrd_addr_max,
 *                      end of RAM below the hole), 4 KiB aligned
 *   hole_start-4 GiB   MMIO hole (PCI, ECAM; not RAM)
 *   4 GiB-...          the rest of RAM
 *
 * The kernel goes to pref_address (16 MiB for Debian), not lower: a
 * relocatable x86_64 kernel decompresses itself to max(load address
 * aligned up, LOAD_PHYSICAL_ADDR = pref_address) anyway, so the memory it
 * needs is pref_address + init_size whatever the loader does. KASLR later
 * picks its own spot from the E820 map, avoiding the initrd, command line
 * and zero page.
 *
 * The 64-bit entry (boot.rst, "64-bit Boot Protocol") wants long mode with
 * paging, the kernel's init_size range, the zero page and the command line
 * identity-mapped, a GDT with flat 4 GiB __BOOT_CS (0x10, execute/read)
 * and __BOOT_DS (0x18, read/write), CS = __BOOT_CS, DS = ES = SS =
 * __BOOT_DS, interrupts off and RSI = the zero page. The decompressor
 * loads its own GDT and page tables at once, but pushes a return frame
 * before it has its own stack, so RSP must point at RAM.
 */
#include "hv/linux_boot.h"
#include "hv/lib.h"
#include "hv/errno.h"

#define PAGE_SIZE          KiB(4)
#define PAGING_ADDR        0x1000u
#define STACK_TOP          0x9000u
#define PARAMS_ADDR        0x9000u
#define CMDLINE_ADDR       0xA000u
#define CMDLINE_LIMIT      0x10000u
#define LOW_RAM_END        0xA0000u
#define ACPI_ADDR          MiB(1)
#define IDENTITY_MAP       GiB(4)
#define INITRD_ALIGN       PAGE_SIZE

/* Page table entry bits (APM vol. 2, 5.3.3 / 5.4). */
#define PTE_P              (1ull << 0)
#define PTE_RW             (1ull << 1)
#define PTE_PS             (1ull << 7)
#define PD_ENTRIES         512

/* Boot GDT (boot.rst; segment descriptors: APM vol. 2, 4.8). Index 2 is
 * __BOOT_CS, index 3 __BOOT_DS; 0 and 1 are null. */
#define BOOT_CS            0x10
#define BOOT_DS            0x18
#define GDT_ENTRIES        4
#define CS_ACCESS          0x9B   /* present, DPL 0, code, execute/read, accessed */
#define DS_ACCESS          0x93   /* present, DPL 0, data, read/write, accessed */
#define CS_FLAGS           0xA    /* G = 1, L = 1 (64-bit), D = 0 */
#define DS_FLAGS           0xC    /* G = 1, D/B = 1 */

/* Control registers (APM vol. 2, 3.1). */
#define CR0_PE             (1ull << 0)
#define CR0_ET             (1ull << 4)
#define CR0_NE             (1ull << 5)
#define CR0_PG             (1ull << 31)
#define CR4_PAE            (1ull << 5)
#define EFER_LME           (1ull << 8)
#define EFER_LMA           (1ull << 10)
#define RFLAGS_FIXED       (1ull << 1)

/* Records why the plan fails. */
static int plan_fail(const char **why, const char *reason, int err)
{
	*why = reason;
	return err;
}

/* Fills plan->map: RAM below 640 KiB, from 1 MiB to low_top, above 4 GiB,
 * and the ACPI region, which linux_boot_e820() carves out of the RAM. */
static void plan_map(struct linux_boot_plan *plan, uint64_t low_top, uint64_t high)
{
	struct linux_boot_e820_entry *m = plan->map;
	size_t n = 0;

	m[n++] = (struct linux_boot_e820_entry){ 0, LOW_RAM_END, LINUX_BOOT_E820_RAM };
	m[n++] = (struct linux_boot_e820_entry){ MiB(1), low_top - MiB(1), LINUX_BOOT_E820_RAM };
	m[n++] = (struct linux_boot_e820_entry){ plan->acpi_addr, plan->acpi_size,
						 LINUX_BOOT_E820_ACPI };
	if (high)
		m[n++] = (struct linux_boot_e820_entry){ GiB(4), high, LINUX_BOOT_E820_RAM };
	plan->map_count = n;
}

/* The kernel's load address: pref_address, or for a relocatable kernel
 * whose pref_address is taken, the next aligned address above floor. */
static uint64_t kernel_address(const struct linux_boot_image *img, uint64_t floor)
{
	if (img->pref_address >= floor || !img->relocatable)
		return img->pref_address;
	return ALIGN_UP(floor, (uint64_t)img->kernel_alignment);
}

static int place_initrd(const struct linux_boot_image *img, const struct linux_boot_plan_input *in,
			uint64_t low_top, struct linux_boot_plan *plan, const char **why)
{
	uint64_t top = MIN(low_top, (uint64_t)img->initrd_addr_max + 1);

	plan->initrd_addr = 0;
	if (in->initrd_size == 0)
		return 0;
	if (in->initrd_size > top || ALIGN_DOWN(top - in->initrd_size, INITRD_ALIGN) < plan->kernel_end)
		return plan_fail(why, "initrd does not fit between the kernel and initrd_addr_max",
				 -ENOSPC);
	plan->initrd_addr = ALIGN_DOWN(top - in->initrd_size, INITRD_ALIGN);
	return 0;
}

int linux_boot_plan(const struct linux_boot_image *img,
		    const struct linux_boot_plan_input *in,
		    struct linux_boot_plan *plan, const char **why)
{
	const char *unused;

	if (!why)
		why = &unused;
	if (!img || !in || !plan)
		return plan_fail(why, "missing argument", -EINVAL);
	memset(plan, 0, sizeof(*plan));
	if (in->hole_start < MiB(2) || in->hole_start > GiB(4) || in->mem_size < MiB(2) ||
	    in->acpi_size == 0 || in->acpi_size > GiB(1))
		return plan_fail(why, "hole_start, mem_size or acpi_size out of range", -EINVAL);
	if (in->cmdline_len + 1 > CMDLINE_LIMIT - CMDLINE_ADDR || in->cmdline_len > img->cmdline_size)
		return plan_fail(why, "command line longer than cmdline_size or 24 KiB", -EINVAL);

	uint64_t low_top = MIN(in->mem_size, in->hole_start);
	uint64_t high = in->mem_size - low_top;

	plan->paging_addr = PAGING_ADDR;
	plan->identity_map_size = IDENTITY_MAP;
	plan->paging_size = linux_boot_paging_size(IDENTITY_MAP);
	plan->stack_top = STACK_TOP;
	plan->params_addr = PARAMS_ADDR;
	plan->cmdline_addr = CMDLINE_ADDR;
	plan->acpi_addr = ACPI_ADDR;
	plan->acpi_size = ALIGN_UP(in->acpi_size, PAGE_SIZE);
	_Static_assert(PAGING_ADDR + 7 * KiB(4) <= STACK_TOP - KiB(4), "paging below the stack");

	uint64_t acpi_end = plan->acpi_addr + plan->acpi_size;
	plan->kernel_addr = kernel_address(img, acpi_end);
	plan->kernel_end = plan->kernel_addr + img->kernel_mem_size;
	if (plan->kernel_addr < acpi_end)
		return plan_fail(why, "ACPI tables reach the fixed kernel address", -ENOSPC);
	if (plan->kernel_end > low_top)
		return plan_fail(why, "guest RAM below the hole too small for the kernel's init_size",
				 -ENOSPC);
	int err = place_initrd(img, in, low_top, plan, why);
	if (err)
		return err;
	plan_map(plan, low_top, high);
	return 0;
}

/* ---- boot GDT and identity page tables ---- */

uint64_t linux_boot_paging_size(uint64_t map_size)
{
	uint64_t gib = ALIGN_UP(map_size, GiB(1)) / GiB(1);

	return (3 + gib) * PAGE_SIZE;          /* GDT, PML4, PDPT, one PD per GiB */
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* A flat segment descriptor: base 0, limit 0xFFFFF (4 GiB with G = 1). */
static uint64_t gdt_flat(uint8_t access, uint8_t flags)
{
	return 0xFFFFull | ((uint64_t)access << 40) | (0xFull << 48) | ((uint64_t)flags << 52);
}

int linux_boot_build_paging(void *buf, size_t buf_size, uint64_t gpa, uint64_t map_size)
{
	uint64_t gib = ALIGN_UP(map_size, GiB(1)) / GiB(1);
	uint8_t *b = buf;

	if (!b || !IS_ALIGNED(gpa, PAGE_SIZE) || gib == 0 || gib > PD_ENTRIES ||
	    buf_size < linux_boot_paging_size(map_size))
		return -EINVAL;
	memset(b, 0, linux_boot_paging_size(map_size));

	uint8_t *gdt = b, *pml4 = b + PAGE_SIZE, *pdpt = b + 2 * PAGE_SIZE;
	put64(gdt + BOOT_CS, gdt_flat(CS_ACCESS, CS_FLAGS));
	put64(gdt + BOOT_DS, gdt_flat(DS_ACCESS, DS_FLAGS));
	put64(pml4, (gpa + 2 * PAGE_SIZE) | PTE_P | PTE_RW);
	for (uint64_t g = 0; g < gib; g++) {
		uint8_t *pd = b + (3 + g) * PAGE_SIZE;

		put64(pdpt + 8 * g, (gpa + (3 + g) * PAGE_SIZE) | PTE_P | PTE_RW);
		for (uint64_t i = 0; i < PD_ENTRIES; i++)
			put64(pd + 8 * i, (g * GiB(1) + i * MiB(2)) | PTE_P | PTE_RW | PTE_PS);
	}
	return 0;
}

/* ---- registers ---- */

static struct linux_boot_segment flat_segment(uint16_t selector, uint8_t access, uint8_t flags)
{
	struct linux_boot_segment s = {
		.selector = selector, .attrib = (uint16_t)(access | (flags << 8)),
		.limit = 0xFFFFFFFFu, .base = 0,
	};
	return s;
}

void linux_boot_cpu_state(const struct linux_boot_plan *plan, struct linux_boot_cpu *cpu)
{
	memset(cpu, 0, sizeof(*cpu));
	cpu->rip = plan->kernel_addr + 0x200;    /* the 64-bit entry, startup_64 */
	cpu->rsi = plan->params_addr;
	cpu->rsp = plan->stack_top;
	cpu->rflags = RFLAGS_FIXED;              /* IF = 0 */
	cpu->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
	cpu->cr3 = plan->paging_addr + PAGE_SIZE;
	cpu->cr4 = CR4_PAE;
	cpu->efer = EFER_LME | EFER_LMA;         /* the VMCB also needs EFER.SVME */
	cpu->gdtr_base = plan->paging_addr;
	cpu->gdtr_limit = GDT_ENTRIES * 8 - 1;
	cpu->cs = flat_segment(BOOT_CS, CS_ACCESS, CS_FLAGS);
	cpu->ds = flat_segment(BOOT_DS, DS_ACCESS, DS_FLAGS);
}

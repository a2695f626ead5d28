/* tsc.h - measuring the TSC at boot (the clock itself is hv/time.h). */
#ifndef X86_TSC_H
#define X86_TSC_H

struct acpi_info;
void tsc_calibrate(const struct acpi_info *acpi);

#endif

/*
 * dom0_pci.h - the physical PCI devices handed to dom0 (domain/dom0_pci.c,
 * docs/dom0.md "Passthrough"): filtered configuration space, BARs mapped
 * 1:1, MSI/MSI-X forwarded, I/O ports direct.
 */
#ifndef HV_DOM0_PCI_H
#define HV_DOM0_PCI_H

#include "hv/boot_info.h"

struct domain;
struct acpi_info;
struct acpi_build_pci;

/* Boot CPU, before dom0 exists: finds and sizes the functions of bus 0,
 * sets up the vector pool and its handlers. 0 or -ENOMEM. */
int dom0_pci_init(const struct boot_info *bi, const struct acpi_info *acpi);
/* The PCI root bridge dom0's DSDT describes: bus 0 and windows around
 * the BARs the firmware assigned, clear of host RAM. */
void dom0_pci_windows(struct acpi_build_pci *pci);
/* Wires the devices into dom0 (its config-space ports, MSI-X table
 * traps, BAR mappings, I/O permission map). Domain creation only. */
int dom0_pci_attach(struct domain *d);

#endif

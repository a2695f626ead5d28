/*
 * svm.h - the AMD SVM back-end: the only vendor-specific virtualisation
 * code (APM vol. 2, 15 "Secure Virtual Machine").
 */
#ifndef X86_SVM_H
#define X86_SVM_H

#include <stdbool.h>
#include <stdint.h>

struct percpu;

/*
 * Checks this CPU for what Muxvisor needs: SVM, nested paging, SVM not
 * disabled by firmware. Returns true, or false with *missing naming the
 * first thing absent (one short phrase).
 */
bool svm_check_cpu(const char **missing);
/* Logs the SVM revision, ASIDs and optional features (boot CPU). */
void svm_log_features(void);
/* Sets EFER.SVME and the host save area on this CPU. 0 or -ENOMEM. */
int svm_enable_cpu(struct percpu *p);

#endif

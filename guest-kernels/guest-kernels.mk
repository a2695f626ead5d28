include guest-kernels/linux/linux.mk
include guest-kernels/test-kernels.mk

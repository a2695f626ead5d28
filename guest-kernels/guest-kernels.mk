include guest-kernels/linux/linux.mk

#!/bin/sh
# cust-test.sh - runs in the unprivileged Linux domain of
# ci/tests/dom0_muxctl.py: muxvisor.ko must refuse to load there. A shell
# on the console follows (muxexit=shell), for dom0 to type into.
insmod /opt/mux/muxvisor.ko
echo "insmod-rc=$?"
dmesg | grep "muxvisor:"

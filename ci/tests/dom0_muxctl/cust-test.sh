#!/bin/sh
# cust-test.sh - runs in an unprivileged Linux domain of
# ci/tests/dom0_muxctl.py: muxvisor.ko must refuse to load there.
insmod /opt/mux/muxvisor.ko
echo "insmod-rc=$?"
dmesg | grep "muxvisor:"

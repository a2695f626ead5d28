#!/bin/sh
# dom0-test.sh - runs inside the privileged Linux domain of
# ci/tests/dom0_muxctl.py: loads muxvisor.ko and drives the hypervisor with
# muxctl. Every step prints
#     step: <name>
#     <the command's output>
#     step-rc: <name> <exit code>
# and the host side judges the output and the exit codes. Nothing is
# judged here.
M=/opt/mux
BURN_UNITS=$(cat $M/burn-units-addr)

step() {
	name=$1; shift
	echo "step: $name"
	"$@" 2>&1
	echo "step-rc: $name $?"
}

step insmod insmod $M/muxvisor.ko
step dmesg-module sh -c 'dmesg | grep "muxvisor:"'
step devnode ls -l /dev/muxvisor
step info muxctl info
step info-json muxctl --json info
step create-hello muxctl create --name hello --test-kernel $M/hello.elf --mem 16M \
	--on-poweroff keep
step create-burn muxctl create --name burn --test-kernel $M/cpuburn.elf --vcpus 1 --mem 16M \
	--weight 256
step create-paused muxctl create --name idle --test-kernel $M/cpuburn.elf --mem 16M --paused
step list muxctl list
step list-json muxctl --json list
step pause muxctl pause burn
step list-paused muxctl -H list
step unpause muxctl unpause burn
step sched-get muxctl sched burn
step sched-set muxctl sched burn --weight 512 --cap 50
step sched-impossible muxctl sched burn --reservation 100000
step sched-after muxctl --json sched burn
sleep 2
step console-hello muxctl console hello
step top muxctl top -b -n 2 -i 1
step peek-1 muxctl peek burn "$BURN_UNITS" 8
sleep 1
step peek-2 muxctl peek burn "$BURN_UNITS" 8
step events muxctl events
step destroy-idle muxctl destroy idle
step destroy-hello muxctl destroy hello
step destroy-burn muxctl destroy burn
step destroy-again muxctl destroy burn
step list-end muxctl -H list
# bad arguments: refused, nothing changes
step bad-name muxctl create --name "bad name" --test-kernel $M/hello.elf
step bad-vcpus muxctl create --name x --test-kernel $M/hello.elf --vcpus 0
step bad-file muxctl create --name x --test-kernel /nonexistent.elf
step bad-mem muxctl create --name huge --test-kernel $M/hello.elf --mem 4000G
step bad-dom0 muxctl pause 0
step bad-command muxctl frobnicate
step list-unchanged muxctl -H list
echo "dom0-test: done"

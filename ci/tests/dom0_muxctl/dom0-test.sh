#!/bin/sh
# dom0-test.sh - runs inside the privileged Linux domain of
# ci/tests/dom0_muxctl.py: loads muxvisor.ko and drives the hypervisor with
# muxctl. Every step prints
#     step: <name>
#     <the command's output>
#     step-rc: <name> <exit code>
# and the host side judges the output and the exit codes. Nothing is
# judged here. Domain 'cust' is an unprivileged Linux domain with a shell on
# its console, started beside dom0.
M=/opt/mux
BURN_UNITS=$(cat $M/burn-units-addr)

# The output goes through a file so that a last line without a newline (a
# console's prompt) still ends before the step-rc line.
step() {
	name=$1; shift
	echo "step: $name"
	"$@" > /tmp/step.out 2>&1
	rc=$?
	cat /tmp/step.out
	[ -z "$(tail -c 1 /tmp/step.out)" ] || echo
	echo "step-rc: $name $rc"
}

# Waits (up to $3 seconds, default 120) until domain $1's console shows $2.
wait_console() {
	i=0
	while [ $i -lt "${3:-120}" ]; do
		out=$(muxctl console "$1" 2>&1) || { echo "$out"; return 1; }
		case $out in *"$2"*) echo "seen after ${i}s"; return 0 ;; esac
		sleep 1
		i=$((i + 1))
	done
	echo "'$2' not on $1's console after ${i}s"
	return 1
}

# A number from muxctl's JSON: json_num KEY < json
json_num() {
	sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

# Waits (up to $2 seconds, default 180) until domain $1's balloon holds
# exactly ceiling - target pages; prints the last reading.
wait_balloon() {
	i=0
	while [ $i -lt "${2:-180}" ]; do
		j=$(muxctl --json balloon "$1" 2>&1) || { echo "$j"; return 1; }
		ceil=$(echo "$j" | json_num ceiling_pages)
		tgt=$(echo "$j" | json_num target_pages)
		bal=$(echo "$j" | json_num ballooned_pages)
		if [ -n "$bal" ] && [ "$bal" -eq $((ceil - tgt)) ]; then
			echo "$j"
			return 0
		fi
		sleep 1
		i=$((i + 1))
	done
	echo "$j"
	echo "the balloon of $1 did not reach its target after ${i}s"
	return 1
}

step insmod insmod $M/muxvisor.ko
step dmesg-module sh -c 'dmesg | grep "muxvisor:"'
step devnode ls -l /dev/muxvisor
step info muxctl info
# a first mapping (of cust) before the memory baseline: the hypervisor
# keeps the page tables of dom0's map window once they exist
step peek-baseline muxctl peek cust 0x1000 8
step info-json muxctl --json info
step list-static muxctl --json list
step top-text muxctl top -b -n 1 -i 1
# the console of a running Linux domain: read it, type into it
step cust-ready wait_console cust "dmesg-check: count="
step console-cust muxctl console cust
muxctl console -f cust > /tmp/console-follow.txt 2>&1 &
follower=$!
sleep 1
step console-send muxctl console cust -s 'echo typed-$((6*7))'
step console-typed wait_console cust "typed-42"
sleep 1
kill $follower
wait $follower
echo "follower-rc: $?"
step console-follow cat /tmp/console-follow.txt
# events as they happen, through poll() on the device
muxctl events -f > /tmp/events-follow.txt 2>&1 &
watcher=$!
# domains of our own
step create-hello muxctl create --name hello --test-kernel $M/hello.elf --mem 16M \
	--on-poweroff keep
step create-burn muxctl create --name burn --test-kernel $M/cpuburn.elf --vcpus 2 --mem 16M \
	--weight 256
step create-paused muxctl create --name idle --test-kernel $M/cpuburn.elf --mem 16M --paused
step list muxctl list
step list-json muxctl --json list
# balloons: only Linux customer domains have one
step balloon-tk muxctl balloon hello
step balloon-tk-set muxctl balloon hello 64M
step balloon-dom0 muxctl balloon 0
step pause muxctl pause burn
step list-paused muxctl -H list
step unpause muxctl unpause burn
step sched-get muxctl sched burn
step sched-set muxctl sched burn --weight 512 --cap 180
step sched-range muxctl sched cust --reservation 150
step sched-cust muxctl sched cust --reservation 100
step sched-impossible muxctl sched burn --reservation 150
step sched-after muxctl --json sched burn
step sched-cust-back muxctl sched cust --reservation 0
sleep 2
step console-hello muxctl console hello
step top muxctl top -b -v -n 2 -i 1
step top-json muxctl --json top -b -n 1 -i 1
step peek-1 muxctl peek burn "$BURN_UNITS" 8
sleep 1
step peek-2 muxctl peek burn "$BURN_UNITS" 8
step events muxctl events
# bad arguments: refused with their field named, nothing changes
step list-before-bad muxctl --json list
step bad-name muxctl create --name "bad name" --test-kernel $M/hello.elf
step bad-vcpus muxctl create --name x --test-kernel $M/hello.elf --vcpus 0
step bad-file muxctl create --name x --test-kernel /nonexistent.elf
step bad-command muxctl frobnicate
step bad-weight muxctl sched burn --weight 0
step bad-domain muxctl pause nosuchdomain
step bad-mem muxctl create --name huge --test-kernel $M/hello.elf --mem 4000G
step bad-max-vcpus muxctl create --name wide --test-kernel $M/hello.elf --vcpus 65
step bad-resv muxctl create --name greedy --test-kernel $M/hello.elf --reservation 300
step bad-dup muxctl create --name burn --test-kernel $M/hello.elf
step bad-dom0 muxctl pause 0
step list-unchanged muxctl --json list
# destroy; burn stays mapped by a process reading it every second: that
# process loses its mapping (SIGBUS, reported), dom0 itself carries on
muxctl peek burn "$BURN_UNITS" 8 -n 60 > /tmp/peek-held.txt 2>&1 &
holder=$!
i=0
while [ ! -s /tmp/peek-held.txt ] && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
step destroy-idle muxctl destroy idle
step destroy-hello muxctl destroy hello
step destroy-burn muxctl destroy burn
step destroy-again muxctl destroy burn
wait $holder
held_rc=$?
step peek-held sh -c "cat /tmp/peek-held.txt; exit $held_rc"
step list-end muxctl -H list
# a Linux domain from a bzImage and an initrd, started pre-ballooned
step create-linux muxctl create --name lin --kernel $M/bzImage --initrd $M/initramfs.cpio.gz \
	--vcpus 2 --mem 192M --mem-target 160M --cmdline "console=ttyS0 quiet"
step linux-ready wait_console lin "guest-ready:" 400
step linux-console muxctl console lin
step linux-list muxctl --json list
# its balloon: the start target reached, then down to 128M and back up,
# the host's free memory following; the guest works while ballooned
step balloon-start wait_balloon lin
step balloon-bad muxctl balloon lin 4M
step balloon-above muxctl balloon lin 1G
# the guest holds 64 MiB for the first reading and frees them just before
# the target falls: its populated memory is then well above the new target
step balloon-hold muxctl console lin -s 'dd if=/dev/zero of=/dev/shm/hold bs=1M count=64 2>/dev/null; echo held-$((6*7))'
step balloon-held wait_console lin "held-42"
step balloon-high muxctl --json balloon lin
step balloon-info-high muxctl --json info
step balloon-list-high muxctl --json list
step balloon-free muxctl console lin -s 'rm /dev/shm/hold; echo freed-$((6*7))'
step balloon-low muxctl balloon lin 128M
step balloon-low-reached wait_balloon lin
step balloon-info-low muxctl --json info
step balloon-list-low muxctl --json list
step balloon-table muxctl list
step balloon-text muxctl balloon lin
step balloon-memtest muxctl console lin -s 'memtest 24'
step balloon-memtest-done wait_console lin "memtest: " 300
step balloon-memtest-out muxctl console lin
step balloon-up muxctl balloon lin 192M
step balloon-up-reached wait_balloon lin
step balloon-info-up muxctl --json info
step balloon-list-up muxctl --json list
step balloon-top muxctl top -b -n 1 -i 1
step destroy-linux muxctl destroy lin
step info-end muxctl --json info
sleep 1
kill $watcher
wait $watcher
echo "watcher-rc: $?"
step events-follow cat /tmp/events-follow.txt
step destroy-cust muxctl destroy cust
echo "dom0-test: done"

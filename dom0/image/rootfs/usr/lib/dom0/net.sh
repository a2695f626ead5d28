# /usr/lib/dom0/net.sh - the network: loopback, then DHCP on the first
# network device (dom0's physical NIC; in QEMU the virtio-net-pci on user
# networking, whose DHCP server hands out 10.0.2.15).

# Prints the name of the first interface backed by a device (not lo).
net_iface() {
	for dir in /sys/class/net/*; do
		[ -e "$dir/device" ] || continue
		echo "${dir##*/}"
		return 0
	done
	return 1
}

# Brings up lo and asks for a lease on the NIC. udhcpc tries for about ten
# seconds, then goes on in the background (-b) either way and renews the
# lease for as long as dom0 runs; /usr/lib/dom0/udhcpc.script applies it
# and records the address in $DOM0_RUN/ip.
net_up() {
	ip link set lo up
	iface=$(net_iface) || {
		echo "dom0: no network interface (the API is reachable from dom0 only)"
		return 1
	}
	ip link set "$iface" up
	udhcpc -i "$iface" -s /usr/lib/dom0/udhcpc.script -p "$DOM0_RUN/udhcpc.pid" \
		-b -t 5 -T 2
}

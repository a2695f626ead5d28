# /usr/lib/dom0/common.sh - names and helpers every dom0 script shares.

# The data disk's mount point: muxd's store, the admin token, guest images,
# server disks and logs (docs/dom0-image.md, "The data disk").
DOM0_DATA=/var/lib/muxvisor
DOM0_TOKEN=$DOM0_DATA/admin-token
DOM0_MUXD_LOG=$DOM0_DATA/log/muxd.log
# Run-time state (tmpfs): the lease's address, pids, the stopping flag,
# what the data disk was at boot (new, kept or ram).
DOM0_RUN=/run/dom0

# cmdline_get NAME DEFAULT - prints the value of NAME=value on the kernel
# command line, or DEFAULT. Dotted names (muxd.port) are module parameters
# to the kernel, which therefore does not hand them to init as variables.
cmdline_get() {
	set -f
	for word in $(cat /proc/cmdline); do
		case $word in
		"$1="*)
			set +f
			echo "${word#*=}"
			return 0
			;;
		esac
	done
	set +f
	echo "$2"
}

# The API port muxd listens on (all addresses) and the host forwards to.
dom0_port() {
	cmdline_get muxd.port 8080
}

# dom0_ready MUXD - prints the one line tests and operators wait for:
#   dom0-ready: ip=<address|none> muxd=<running|failed|absent> disk=<new|kept|ram>
dom0_ready() {
	ip=$(cat "$DOM0_RUN/ip" 2>/dev/null)
	disk=$(cat "$DOM0_RUN/disk" 2>/dev/null)
	echo "dom0-ready: ip=${ip:-none} muxd=$1 disk=${disk:-none}"
}

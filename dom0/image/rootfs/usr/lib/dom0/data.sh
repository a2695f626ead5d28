# /usr/lib/dom0/data.sh - what dom0 keeps on the data disk besides muxd's
# store: the guest images it was built with and the admin token; and the
# control module (loaded early, with the other modules: see /init).

DOM0_SEED=/usr/share/muxvisor/images

# seed_images - copies the guest images of this initramfs (the Linux guest
# image, the test kernels) to $DOM0_DATA/images once per disk; the marker
# file is written last, so an interrupted copy is done again next boot.
# Files already there are replaced only on that first copy.
seed_images() {
	dst=$DOM0_DATA/images
	mkdir -p "$dst" "$DOM0_DATA/log"
	[ -e "$dst/.seeded" ] && return 0
	[ -d "$DOM0_SEED" ] || return 0
	if ! cp -a "$DOM0_SEED/." "$dst/"; then
		echo "dom0: copying the guest images to $dst failed (disk full?)"
		return 0
	fi
	sync
	cp /etc/dom0-release "$dst/.seeded.new" && mv "$dst/.seeded.new" "$dst/.seeded"
	echo "dom0: guest images copied to $dst: $(cd "$dst" && echo *)"
}

# token_setup - creates the admin token on the disk's first boot (32 random
# bytes in hex after "mxa_"; mode 0600) and prints it on the console, where
# the operator and the tests read it, at every boot.
token_setup() {
	if [ ! -s "$DOM0_TOKEN" ]; then
		token=mxa_$(head -c 32 /dev/urandom | od -A n -t x1 -v | tr -d ' \n')
		(umask 077 && echo "$token" > "$DOM0_TOKEN.new") || {
			DOM0_FAIL="cannot write $DOM0_TOKEN"
			return 1
		}
		mv "$DOM0_TOKEN.new" "$DOM0_TOKEN"
		sync
		echo "dom0: created a new admin token in $DOM0_TOKEN"
	fi
	chmod 600 "$DOM0_TOKEN"
	echo "dom0: admin token: $(head -n 1 "$DOM0_TOKEN")"
}

# kmod_load - loads the control module (muxvisor.ko, when the image has it).
# It refuses to load when dom0 does not run on Muxvisor; muxd then has no
# /dev/muxvisor (see muxd-supervise).
kmod_load() {
	ko=/lib/modules/$(uname -r)/extra/muxvisor.ko
	[ -f "$ko" ] || return 0
	if err=$(insmod "$ko" 2>&1); then
		echo "dom0: muxvisor.ko loaded"
	else
		echo "dom0: muxvisor.ko not loaded: $err"
	fi
}

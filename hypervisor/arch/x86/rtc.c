/*
 * rtc.c - the host's CMOS real-time clock (MC146818: registers 0x00 seconds,
 * 0x02 minutes, 0x04 hours, 0x07 day, 0x08 month, 0x09 year, 0x32 century
 * where present; status A bit 7 "update in progress", status B bit 2
 * binary mode and bit 1 24-hour mode). Read once at boot; the hypervisor
 * clock carries it forward. The RTC is assumed to keep UTC, as Linux hosts
 * set it.
 */
#include "x86/rtc.h"
#include "x86/io.h"
#include "hv/time.h"
#include "hv/log.h"

static uint64_t epoch_ns_at_read;
static uint64_t hv_ns_at_read;

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned from_bcd(uint8_t v, bool binary)
{
	return binary ? v : (v & 0x0f) + (v >> 4) * 10;
}

int64_t rtc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Shift the year to start in March so February's length comes last. */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void rtc_init(void)
{
	for (unsigned spins = 0; spins < 1000000 && (cmos(0x0a) & 0x80); spins++)
		;
	uint8_t b = cmos(0x0b);
	bool binary = b & 4;
	unsigned sec = from_bcd(cmos(0x00), binary), min = from_bcd(cmos(0x02), binary);
	uint8_t hraw = cmos(0x04);
	unsigned hour = from_bcd(hraw & 0x7f, binary);
	unsigned day = from_bcd(cmos(0x07), binary), mon = from_bcd(cmos(0x08), binary);
	unsigned year = from_bcd(cmos(0x09), binary);
	unsigned century = from_bcd(cmos(0x32), binary);

	if (!(b & 2) && (hraw & 0x80))
		hour = (hour % 12) + 12;                  /* 12-hour clock, PM */
	if (century < 19 || century > 30)
		century = 20;
	hv_ns_at_read = time_now_ns();
	int64_t days = rtc_days_from_civil(century * 100 + year, mon, day);
	epoch_ns_at_read = ((uint64_t)days * 86400 + hour * 3600 + min * 60 + sec) * 1000000000ull;
	log_info("RTC: %u%02u-%02u-%02u %02u:%02u:%02u UTC", century, year, mon, day,
		 hour, min, sec);
}

uint64_t rtc_epoch_ns_at(uint64_t ns)
{
	return epoch_ns_at_read + ns - hv_ns_at_read;
}

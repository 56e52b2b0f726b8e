// Command js_time_zone shows how the host's time zone reaches a Go
// program on js/wasm: Go's time.Local is built once from
// `new Date().getTimezoneOffset()` (a single fixed zone named "UTC+H" or
// "UTC+H:MM", with the offset in effect when it is first used), while JS
// Date methods apply the zone's full rules to each instant.
//
// The fixture is meant to run with the host process's TZ set to different
// zones. Everything printed depends only on the zone, never on the current
// date: JS values are printed for fixed instants, and Go's time.Local
// values are printed only for zones without daylight saving time (in a
// zone with DST they depend on the season the program runs in, so only
// season-independent relations are printed).
package main

import (
	"fmt"
	"syscall/js"
	"time"
)

var (
	global = js.Global()
	date   = global.Get("Date")
)

// instants are fixed points in time, in milliseconds since the epoch.
var instants = []struct {
	label string
	ms    float64
}{
	{"epoch", 0},
	{"2023-01-15T12:00:00Z", 1673784000000},
	{"2023-03-12T06:59:59Z (1 s before US DST starts)", 1678604399000},
	{"2023-03-12T07:00:00Z (US DST starts)", 1678604400000},
	{"2023-06-29T00:53:20Z", 1688000000000},
	{"2023-11-14T22:13:20Z (Unix 1700000000)", 1700000000000},
}

func jsDate(args ...any) js.Value { return date.New(args...) }

// call calls a Date method and renders the result with String().
func call(d js.Value, m string, args ...any) string {
	return global.Get("String").Invoke(d.Call(m, args...)).String()
}

// utcName is the zone name Go's js/wasm runtime derives from an offset
// in seconds east of UTC.
func utcName(offset int) string {
	sign := "+"
	if offset < 0 {
		sign = "-"
		offset = -offset
	}
	name := fmt.Sprintf("UTC%s%d", sign, offset/3600)
	if m := offset % 3600 / 60; m != 0 {
		name += fmt.Sprintf(":%d", m)
	}
	return name
}

func main() {
	fmt.Println("== JS Date for fixed instants")
	for _, in := range instants {
		d := jsDate(in.ms)
		fmt.Printf("%s:\n", in.label)
		fmt.Printf("  getTimezoneOffset() = %s\n", call(d, "getTimezoneOffset"))
		fmt.Printf("  getFullYear-getMonth-getDate getHours:getMinutes:getSeconds getDay = %s-%s-%s %s:%s:%s %s\n", call(d, "getFullYear"), call(d, "getMonth"), call(d, "getDate"),
			call(d, "getHours"), call(d, "getMinutes"), call(d, "getSeconds"), call(d, "getDay"))
		fmt.Printf("  toString()   = %s\n", call(d, "toString"))
		fmt.Printf("  toDateString = %s | toTimeString = %s\n", call(d, "toDateString"), call(d, "toTimeString"))
		fmt.Printf("  toISOString  = %s | toUTCString = %s\n", call(d, "toISOString"), call(d, "toUTCString"))
	}

	fmt.Println("== JS local-time constructors and parsing")
	for _, c := range []struct {
		label string
		args  []any
	}{
		{"new Date(2023, 0, 15, 12, 0, 0)", []any{2023, 0, 15, 12, 0, 0}},
		{"new Date(2023, 6, 15, 12, 0, 0)", []any{2023, 6, 15, 12, 0, 0}},
		{"new Date(2023, 2, 12, 2, 30) (inside the US spring-forward gap)", []any{2023, 2, 12, 2, 30}},
		{"new Date(2023, 10, 5, 1, 30) (repeated hour at the US fall-back)", []any{2023, 10, 5, 1, 30}},
		{"new Date(1970, 0, 1)", []any{1970, 0, 1}},
	} {
		d := jsDate(c.args...)
		fmt.Printf("%s: getTime %s, toISOString %s, getHours %s\n", c.label, call(d, "getTime"), call(d, "toISOString"), call(d, "getHours"))
	}
	for _, s := range []string{"2023-11-14T12:00:00", "2023-11-14", "2023-11-14T12:00:00Z", "2023-11-14T12:00:00+09:00", "Nov 14 2023 12:00:00", "2023/11/14"} {
		fmt.Printf("Date.parse(%q) = %s\n", s, global.Get("String").Invoke(date.Call("parse", s)).String())
	}
	fmt.Println("Date.UTC(2023, 10, 14) =", global.Get("String").Invoke(date.Call("UTC", 2023, 10, 14)).String())
	d := jsDate(2023, 10, 14, 22, 0)
	d.Call("setHours", 25)
	fmt.Printf("setHours(25) on 2023-11-14 22:00 local: %s-%s %s:00\n", call(d, "getMonth"), call(d, "getDate"), call(d, "getHours"))

	fmt.Println("== Go time.Local")
	jan := jsDate(2023, 0, 15).Call("getTimezoneOffset").Int()
	jul := jsDate(2023, 6, 15).Call("getTimezoneOffset").Int()
	hasDST := jan != jul
	fmt.Println("time.Local.String():", time.Local.String())
	fmt.Println("zone has DST (JS offsets for January and July differ):", hasDST)

	name, offset := time.Now().Zone()
	jsNow := jsDate().Call("getTimezoneOffset").Int()
	fmt.Println("time.Now().Zone() offset == -60 * new Date().getTimezoneOffset():", offset == -60*jsNow)
	fmt.Println("zone name is derived from the offset:", name == utcName(offset))
	_, janOff := time.Date(2023, 1, 15, 12, 0, 0, 0, time.Local).Zone()
	_, julOff := time.Date(2023, 7, 15, 12, 0, 0, 0, time.Local).Zone()
	fmt.Println("Go uses one offset for January and July:", janOff == julOff && janOff == offset)
	fixed := time.Unix(1700000000, 0)
	fmt.Println("time.Unix(1700000000, 0).UTC():", fixed.UTC().Format(time.RFC3339))
	fmt.Println("Location of time.Unix(...) is Local:", fixed.Location() == time.Local)
	if hasDST {
		fmt.Println("(the zone has DST: Go's Local values depend on the date the program runs, so they are not printed)")
	} else {
		fmt.Printf("time.Now().Zone() = %q, %d\n", name, offset)
		fmt.Println("time.Unix(1700000000, 0) in Local:", fixed.Format("2006-01-02 15:04:05 MST -07:00 Monday"))
		fmt.Println("time.Unix(1700000000, 0).String():", fixed.String())
		fmt.Println("time.Date(2023, 11, 14, 12, 0, 0, 0, time.Local).Unix():", time.Date(2023, 11, 14, 12, 0, 0, 0, time.Local).Unix())
		jd := jsDate(1700000000000.0)
		fmt.Println("Go's local hour and minute agree with JS getHours/getMinutes:",
			fixed.Hour() == jd.Call("getHours").Int() && fixed.Minute() == jd.Call("getMinutes").Int())
		t, err := time.ParseInLocation("2006-01-02 15:04", "2023-11-14 12:00", time.Local)
		fmt.Println("time.ParseInLocation(..., time.Local):", t.Format(time.RFC3339), err)
	}
	t, err := time.Parse(time.RFC1123, "Tue, 14 Nov 2023 22:13:20 JST")
	fmt.Printf("time.Parse of an unknown abbreviation (JST): %s, offset %d, err %v\n", t.Format(time.RFC3339), func() int { _, o := t.Zone(); return o }(), err)
	fmt.Println("done")
}

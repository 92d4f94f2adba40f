package main

// Windows keeps no IANA time zone database where Go looks for one, and
// every event names its zone (Asia/Almaty): the Windows binary carries its
// own copy, some 450 KB.
import _ "time/tzdata"

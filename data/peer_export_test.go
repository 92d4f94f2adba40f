package data

// RaceBuild reports whether the test binary was built with -race (for the
// tests of package data_test).
var RaceBuild = propRace

package main

import (
	"encoding/json"
	"maps"
	"reflect"
	"testing"
)

// The demo is the seed event as it happened: from `medibooth demo` on, the
// report shows the figures the seed fair replayed through the CLI adds up
// to, and loading the demo again changes none of them.
func TestCLIDemoIsTheSeedFair(t *testing.T) {
	want := newSeedPlan().want()
	c := newCLI(t)
	var first, second struct {
		Added                          int
		FairAdded                      int `json:"fair_added"`
		Scans, Consultations, Meetings int
	}
	c.mustJSON(&first, "demo")
	if first.FairAdded != want.Scans+want.Consultations+want.Meetings || first.Scans != want.Scans ||
		first.Consultations != want.Consultations || first.Meetings != want.Meetings {
		t.Fatalf("demo: %+v", first)
	}
	var got seedReport
	c.mustJSON(&got, "report", "--format", "json")
	same := func(what string, g, w any) {
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: got %v, want %v", what, g, w)
		}
	}
	same("visitors_unique", got.VisitorsUnique, want.VisitorsUnique)
	same("scans", got.Scans, want.Scans)
	same("scans_by_decision", got.ScansByDecision, want.ScansByDecision)
	same("checkins_by_day", got.CheckinsByDay, want.CheckinsByDay)
	same("consultations", got.Consultations, want.Consultations)
	same("patients_consulted", got.PatientsConsulted, want.PatientsConsulted)
	same("consultations_by_hospital", got.ConsultationsByHospital, want.ConsultationsByHospital)
	same("consultations_by_department", got.ConsultationsByDepartment, want.ConsultationsByDepartment)
	same("consultations_by_day", got.ConsultationsByDay, want.ConsultationsByDay)
	same("doctors", len(got.ConsultationsByDoctor), len(want.ConsultationsByDoctor))
	same("meetings", got.Meetings, want.Meetings)
	same("mous", got.MOUs, want.MOUs)
	same("agencies", got.Agencies, want.Agencies)
	same("firms", len(got.MeetingsByFirm), len(want.MeetingsByFirm))
	if got.Registered != want.VisitorsUnique {
		t.Errorf("%d visitors registered, want the %d who came", got.Registered, want.VisitorsUnique)
	}

	c.mustJSON(&second, "demo")
	if second.Added != 0 || second.FairAdded != 0 {
		t.Errorf("demo again: %+v", second)
	}
	var again map[string]json.RawMessage
	var before map[string]json.RawMessage
	_, out, _ := c.run("report", "--format", "json")
	if err := json.Unmarshal([]byte(out), &again); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	if err := json.Unmarshal(b, &before); err != nil {
		t.Fatal(err)
	}
	for k, v := range before {
		if w, ok := again[k]; !ok || !jsonEqual(v, w) {
			t.Errorf("after the demo again, %s is %s, was %s", k, w, v)
		}
	}
	if !maps.Equal(got.CheckinsByDay, map[string]int{"2026-09-17": 123, "2026-09-18": 102}) {
		t.Errorf("checkins_by_day %v", got.CheckinsByDay)
	}
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

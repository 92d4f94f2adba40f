package ui

// meetingStore is what the B2B meeting log needs from the database.
type meetingStore interface{}

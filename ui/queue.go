package ui

// queueStore is what the queue needs from the database.
type queueStore interface{}

// Placeholder: the EventHub work (issue 7) defines this seam.
export interface EventStore {}

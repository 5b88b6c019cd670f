export function CalendarStepPage() {
  return <h1>Calendar</h1>;
}
export function CalendarCallbackPage() {
  return <h1>Calendar connection</h1>;
}

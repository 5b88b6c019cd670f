export function BookingsPage() {
  return <h1>Bookings</h1>;
}

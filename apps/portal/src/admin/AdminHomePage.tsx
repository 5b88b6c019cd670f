/** The admin section's landing; the booking-health dashboard pages are built here (apps/portal/src/admin). */
export function AdminHomePage() {
  return (
    <>
      <h1>Booking health</h1>
      <p>The admin booking-health dashboard will appear here.</p>
    </>
  );
}

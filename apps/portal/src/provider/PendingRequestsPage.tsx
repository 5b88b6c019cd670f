export function PendingRequestsPage() {
  return <h1>PendingRequests</h1>;
}

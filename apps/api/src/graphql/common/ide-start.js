// Starts GraphiQL against this server's /graphql. The API key goes in the Headers tab:
// {"Authorization": "Bearer lk_..."}; GraphiQL keeps it in this browser's local storage.
(function start() {
  var fetcher = GraphiQL.createFetcher({
    url: window.location.origin + '/graphql',
  });
  var root = document.getElementById('graphiql');
  ReactDOM.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      shouldPersistHeaders: true,
      isHeadersEditorEnabled: true,
      defaultHeaders: '{\n  "Authorization": "Bearer <paste the API key printed at start-up>"\n}',
      defaultQuery:
        '# Try: the business settings, then its latest bookings\nquery {\n  paymentSettings { businessName currency chargeTiming stripeAccountState }\n  bookings(first: 5) { edges { node { id description balance { amountMinor currency } paymentStatus } } }\n}\n',
    }),
    root,
  );
})();

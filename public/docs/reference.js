// /docs: Scalar's API reference over the Worker's own /openapi.json. Its bundle is copied from the npm package
// (src/node/vendor-assets.ts), never loaded from a CDN, and every option below keeps the page on this origin: the
// page's CSP (public/_headers) allows no other, so anything left on would fail loudly in the browser test.
Scalar.createApiReference('#reference', {
  url: '/openapi.json',
  // Scalar's fonts come from its CDN; the page uses the system fonts instead.
  withDefaultFonts: false,
  telemetry: false,
  // The "Ask AI" agent and the MCP install buttons talk to Scalar's services.
  agent: { disabled: true },
  mcp: { disabled: true },
  // The developer toolbar (shown on localhost) links to Scalar's dashboard.
  showDeveloperTools: 'never',
});

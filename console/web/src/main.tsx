import { render } from 'preact';
import { ErrorBoundary, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import './style.css';
import { useTitle } from './title.js';
import { Overview } from './views/Overview.js';
import { DashboardList, DashboardView } from './views/Metrics.js';
import { Catalog } from './views/Catalog.js';
import { CatalogTable } from './views/CatalogTable.js';
import { CatalogView } from './views/CatalogView.js';
import { Releases } from './views/Releases.js';
import { RunDetail } from './views/RunDetail.js';
import { Sql } from './views/Sql.js';

/** The console's views, in navigation order. */
const VIEWS = [
  { href: '/', label: 'Overview', current: (path: string) => path === '/' },
  { href: '/metrics', label: 'Metrics', current: (path: string) => path.startsWith('/metrics') },
  { href: '/catalog', label: 'Catalog', current: (path: string) => path.startsWith('/catalog') },
  {
    href: '/releases',
    label: 'Releases',
    current: (path: string) => path.startsWith('/releases'),
  },
  { href: '/sql', label: 'SQL', current: (path: string) => path === '/sql' },
];

function Nav() {
  const { path } = useLocation();
  return (
    <header class="top">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <span class="brand">Lakehouse</span>
      <nav aria-label="Views">
        <ul>
          {VIEWS.map((v) => (
            <li key={v.href}>
              <a href={v.href} aria-current={v.current(path) ? 'page' : undefined}>
                {v.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </header>
  );
}

function NotFound() {
  useTitle('Not found');
  return (
    <div class="view">
      <h1>Not found</h1>
      <p>
        No view here. Go to the <a href="/">overview</a>.
      </p>
    </div>
  );
}

function App() {
  return (
    <LocationProvider>
      <Nav />
      <main id="main">
        <ErrorBoundary>
          <Router>
            <Route path="/" component={Overview} />
            <Route path="/metrics" component={DashboardList} />
            <Route path="/metrics/:uid" component={DashboardView} />
            <Route path="/catalog" component={Catalog} />
            <Route path="/catalog/:warehouse/:namespace/tables/:table" component={CatalogTable} />
            <Route path="/catalog/:warehouse/:namespace/views/:view" component={CatalogView} />
            <Route path="/releases" component={Releases} />
            <Route path="/releases/runs/:dagId/:runId" component={RunDetail} />
            <Route path="/sql" component={Sql} />
            <Route default component={NotFound} />
          </Router>
        </ErrorBoundary>
      </main>
    </LocationProvider>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);

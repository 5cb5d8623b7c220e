import type { Command } from 'commander';

/** `lakehouse catalog ...`: run and inspect the Iceberg REST catalog. */
export function registerCatalogCommands(program: Command): void {
  const catalog = program.command('catalog').description('The Iceberg REST catalog service');
  catalog
    .command('serve')
    .description('Serve the Iceberg REST catalog (default 127.0.0.1:8181)')
    .action(async () => {
      const { serveCommand } = await import('./catalog-serve.js');
      await serveCommand();
    });
}

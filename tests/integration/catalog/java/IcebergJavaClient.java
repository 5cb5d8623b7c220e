// Drives our catalog with Apache Iceberg's Java RESTCatalog, one scenario per run:
//   java IcebergJavaClient <catalog uri> <scenario> <namespace> [args...]
// and prints one JSON object with what the client saw (values, or exception class and message).
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortField;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.view.View;

public class IcebergJavaClient {
  private static final Map<String, Object> OUT = new LinkedHashMap<>();

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    String scenario = args[1];
    Namespace ns = Namespace.of(args[2]);
    RESTCatalog catalog = new RESTCatalog();
    catalog.initialize(
        "java",
        Map.of("uri", uri, "io-impl", "org.apache.iceberg.inmemory.InMemoryFileIO"));
    try {
      switch (scenario) {
        case "create-fresh-ids" -> createFreshIds(catalog, ns);
        case "create-transaction" -> createTransaction(catalog, ns);
        case "replace-transaction" -> replaceTransaction(catalog, ns);
        case "concurrent-replace" -> concurrentReplace(catalog, ns);
        case "evolution" -> evolution(catalog, ns);
        case "names" -> names(catalog, ns);
        case "missing-namespace" -> missingNamespace(catalog, ns);
        case "metadata-tables" -> metadataTables(catalog, ns);
        case "views" -> views(catalog, ns);
        case "load-view" -> OUT.put("view", view(catalog.loadView(TableIdentifier.of(ns, args[3]))));
        default -> throw new IllegalArgumentException("unknown scenario " + scenario);
      }
    } finally {
      catalog.close();
    }
    System.out.println(new ObjectMapper().writeValueAsString(OUT));
  }

  /** What the client reports: the value, or the exception's class and message. */
  static Object attempt(Callable<?> call) {
    try {
      Object value = call.call();
      return Map.of("ok", value == null ? "null" : value);
    } catch (Exception e) {
      return Map.of("error", e.getClass().getSimpleName(), "message", String.valueOf(e.getMessage()));
    }
  }

  static Schema twoColumns(int firstId) {
    return new Schema(
        Types.NestedField.required(firstId, "id", Types.LongType.get()),
        Types.NestedField.optional(firstId + 1, "data", Types.StringType.get()));
  }

  static Map<String, Object> table(Table t) {
    Map<String, Object> m = new LinkedHashMap<>();
    TableMetadata meta = ((BaseTable) t).operations().current();
    m.put("schemaId", t.schema().schemaId());
    m.put("schema", fields(t.schema()));
    m.put("schemas", meta.schemas().stream().map(s -> s.schemaId()).toList());
    m.put("lastColumnId", meta.lastColumnId());
    m.put("spec", spec(t.spec()));
    m.put("specs", meta.specs().stream().map(s -> s.specId()).toList());
    m.put("lastPartitionId", meta.lastAssignedPartitionId());
    m.put("sortOrder", order(t.sortOrder()));
    m.put("uuid", meta.uuid());
    m.put("properties", t.properties());
    return m;
  }

  static List<String> fields(Schema s) {
    List<String> out = new ArrayList<>();
    for (Types.NestedField f : s.columns()) out.add(f.fieldId() + ":" + f.name() + ":" + f.type());
    return out;
  }

  static Map<String, Object> spec(PartitionSpec spec) {
    List<String> fields = new ArrayList<>();
    for (PartitionField f : spec.fields())
      fields.add(f.fieldId() + ":" + f.name() + ":" + f.transform() + "(" + f.sourceId() + ")");
    return Map.of("specId", spec.specId(), "fields", fields);
  }

  static Map<String, Object> order(SortOrder order) {
    List<String> fields = new ArrayList<>();
    for (SortField f : order.fields())
      fields.add(f.transform() + "(" + f.sourceId() + ") " + f.direction() + " " + f.nullOrder());
    return Map.of("orderId", order.orderId(), "fields", fields);
  }

  static Map<String, Object> view(View v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("versionId", v.currentVersion().versionId());
    m.put("defaultCatalog", String.valueOf(v.currentVersion().defaultCatalog()));
    m.put("defaultNamespace", v.currentVersion().defaultNamespace().toString());
    m.put("sql", v.sqlFor("spark").sql());
    m.put("schema", fields(v.schema()));
    return m;
  }

  static void createFreshIds(RESTCatalog catalog, Namespace ns) {
    catalog.createNamespace(ns);
    Schema schema = twoColumns(3);
    PartitionSpec spec = PartitionSpec.builderFor(schema).identity("data").build();
    SortOrder order = SortOrder.builderFor(schema).asc("id").build();
    TableIdentifier id = TableIdentifier.of(ns, "t");
    OUT.put("created", table(catalog.buildTable(id, schema).withPartitionSpec(spec).withSortOrder(order).create()));
    OUT.put("loaded", table(catalog.loadTable(id)));
  }

  static void createTransaction(RESTCatalog catalog, Namespace ns) {
    catalog.createNamespace(ns);
    Schema schema = twoColumns(3);
    PartitionSpec spec = PartitionSpec.builderFor(schema).bucket("id", 8).build();
    TableIdentifier id = TableIdentifier.of(ns, "t");
    Transaction txn = catalog.newCreateTableTransaction(id, schema, spec, Map.of("owner", "java"));
    OUT.put("existsBeforeCommit", catalog.tableExists(id));
    txn.updateProperties().set("stage", "txn").commit();
    txn.updateSchema().addColumn("extra", Types.IntegerType.get()).commit();
    txn.commitTransaction();
    OUT.put("loaded", table(catalog.loadTable(id)));
    // The stage-create of a second transaction already finds the name taken.
    OUT.put(
        "secondCreate",
        attempt(() -> { catalog.newCreateTableTransaction(id, schema, spec, Map.of()).commitTransaction(); return "committed"; }));
  }

  static void replaceTransaction(RESTCatalog catalog, Namespace ns) {
    catalog.createNamespace(ns);
    TableIdentifier id = TableIdentifier.of(ns, "t");
    catalog.createTable(id, twoColumns(1), PartitionSpec.unpartitioned());
    Schema replacement =
        new Schema(
            Types.NestedField.optional(7, "data", Types.StringType.get()),
            Types.NestedField.optional(8, "ts", Types.TimestampType.withZone()));
    PartitionSpec spec = PartitionSpec.builderFor(replacement).day("ts").build();
    Transaction txn = catalog.newReplaceTableTransaction(id, replacement, spec, false);
    txn.commitTransaction();
    OUT.put("replaced", table(catalog.loadTable(id)));
    Transaction orCreate =
        catalog.newReplaceTableTransaction(TableIdentifier.of(ns, "fresh"), twoColumns(5), true);
    orCreate.commitTransaction();
    OUT.put("createdByReplace", table(catalog.loadTable(TableIdentifier.of(ns, "fresh"))));
    OUT.put(
        "replaceMissing",
        attempt(() -> catalog.newReplaceTableTransaction(TableIdentifier.of(ns, "nope"), twoColumns(1), false)));
  }

  static void concurrentReplace(RESTCatalog catalog, Namespace ns) {
    catalog.createNamespace(ns);
    TableIdentifier id = TableIdentifier.of(ns, "t");
    catalog.createTable(id, twoColumns(1));
    Schema a = new Schema(Types.NestedField.optional(1, "a", Types.IntegerType.get()));
    Schema b = new Schema(Types.NestedField.optional(1, "b", Types.LongType.get()));
    Transaction first = catalog.newReplaceTableTransaction(id, a, false);
    Transaction second = catalog.newReplaceTableTransaction(id, b, false);
    OUT.put("first", attempt(() -> { first.commitTransaction(); return "committed"; }));
    OUT.put("second", attempt(() -> { second.commitTransaction(); return "committed"; }));
    OUT.put("loaded", table(catalog.loadTable(id)));
  }

  static void evolution(RESTCatalog catalog, Namespace ns) {
    catalog.createNamespace(ns);
    TableIdentifier id = TableIdentifier.of(ns, "t");
    Table t = catalog.createTable(id, twoColumns(1));
    t.updateSchema().addColumn("extra", Types.IntegerType.get()).commit();
    t.updateSchema().renameColumn("data", "payload").commit();
    OUT.put("afterRename", table(catalog.loadTable(id)));
    // Java 1.10 sends last-column-id = the new schema's highest id (2 here), below the table's 3.
    t.updateSchema().deleteColumn("extra").commit();
    OUT.put("afterDelete", table(catalog.loadTable(id)));
    t.updateSpec().addField("payload").commit();
    OUT.put("afterAddField", table(catalog.loadTable(id)));
    t.updateSpec().removeField("payload").commit();
    OUT.put("afterRemoveField", table(catalog.loadTable(id)));
    t.replaceSortOrder().asc("id").desc("payload").commit();
    OUT.put("afterSort", table(catalog.loadTable(id)));
    // Back to the first schema: set-current-schema to an existing id.
    TableOperations ops = ((BaseTable) t).operations();
    TableMetadata base = ops.refresh();
    ops.commit(base, TableMetadata.buildFrom(base).setCurrentSchema(0).build());
    OUT.put("afterRevert", table(catalog.loadTable(id)));
    t.refresh();
    t.updateSchema().addColumn("later", Types.StringType.get()).commit();
    OUT.put("afterAddOnRevert", table(catalog.loadTable(id)));
  }

  static void names(RESTCatalog catalog, Namespace ns) {
    catalog.createNamespace(ns);
    Schema schema = twoColumns(1);
    TableIdentifier t1 = TableIdentifier.of(ns, "t1");
    TableIdentifier t2 = TableIdentifier.of(ns, "t2");
    TableIdentifier t3 = TableIdentifier.of(ns, "t3");
    TableIdentifier v1 = TableIdentifier.of(ns, "v1");
    TableIdentifier v2 = TableIdentifier.of(ns, "v2");
    catalog.createTable(t1, schema);
    catalog.createTable(t3, schema);
    createView(catalog, v1, ns);
    createView(catalog, v2, ns);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("createNamespaceAgain", attempt(() -> { catalog.createNamespace(ns); return "created"; }));
    r.put("createTableAgain", attempt(() -> catalog.createTable(t1, schema).name()));
    r.put("createTableOnView", attempt(() -> catalog.createTable(v1, schema).name()));
    r.put("createViewAgain", attempt(() -> createView(catalog, v1, ns).name()));
    r.put("createViewOnTable", attempt(() -> createView(catalog, t1, ns).name()));
    r.put("renameTable", attempt(() -> { catalog.renameTable(t1, t2); return catalog.tableExists(t2) && !catalog.tableExists(t1); }));
    r.put("renameTableOntoTable", attempt(() -> { catalog.renameTable(t2, t3); return "renamed"; }));
    r.put("renameTableOntoView", attempt(() -> { catalog.renameTable(t2, v1); return "renamed"; }));
    r.put("renameViewOntoTable", attempt(() -> { catalog.renameView(v1, t2); return "renamed"; }));
    r.put("renameViewOntoView", attempt(() -> { catalog.renameView(v1, v2); return "renamed"; }));
    r.put("renameMissingTable", attempt(() -> { catalog.renameTable(t1, TableIdentifier.of(ns, "x")); return "renamed"; }));
    r.put("renameMissingView", attempt(() -> { catalog.renameView(TableIdentifier.of(ns, "nov"), TableIdentifier.of(ns, "x")); return "renamed"; }));
    r.put("renameTableToMissingNamespace", attempt(() -> { catalog.renameTable(t2, TableIdentifier.of("nons", "x")); return "renamed"; }));
    r.put("renameView", attempt(() -> { catalog.renameView(v1, TableIdentifier.of(ns, "v3")); return catalog.viewExists(TableIdentifier.of(ns, "v3")); }));
    String location = ((BaseTable) catalog.loadTable(t3)).operations().current().metadataFileLocation();
    TableIdentifier reg = TableIdentifier.of(ns, "registered");
    r.put("register", attempt(() -> catalog.registerTable(reg, location).schema().columns().size()));
    r.put("registeredLoads", attempt(() -> catalog.loadTable(reg).uuid().toString().equals(catalog.loadTable(t3).uuid().toString())));
    r.put("dropTable", attempt(() -> catalog.dropTable(t2)));
    r.put("dropTableAgain", attempt(() -> catalog.dropTable(t2)));
    r.put("loadDropped", attempt(() -> catalog.loadTable(t2).name()));
    r.put("dropView", attempt(() -> catalog.dropView(v2)));
    r.put("dropViewAgain", attempt(() -> catalog.dropView(v2)));
    r.put("loadDroppedView", attempt(() -> catalog.loadView(v2).name()));
    r.put("tables", catalog.listTables(ns).stream().map(TableIdentifier::toString).sorted().toList());
    r.put("views", catalog.listViews(ns).stream().map(TableIdentifier::toString).sorted().toList());
    OUT.putAll(r);
  }

  static View createView(RESTCatalog catalog, TableIdentifier id, Namespace ns) {
    return catalog
        .buildView(id)
        .withSchema(new Schema(Types.NestedField.optional(1, "n", Types.LongType.get())))
        .withDefaultNamespace(ns)
        .withQuery("spark", "SELECT 1 AS n")
        .create();
  }

  static void missingNamespace(RESTCatalog catalog, Namespace ns) {
    TableIdentifier t = TableIdentifier.of(ns, "t");
    TableIdentifier v = TableIdentifier.of(ns, "v");
    OUT.put("loadTable", attempt(() -> catalog.loadTable(t).name()));
    OUT.put("tableExists", attempt(() -> catalog.tableExists(t)));
    OUT.put("loadView", attempt(() -> catalog.loadView(v).name()));
    OUT.put("viewExists", attempt(() -> catalog.viewExists(v)));
    OUT.put("listTables", attempt(() -> catalog.listTables(ns).size()));
    OUT.put("createTable", attempt(() -> catalog.createTable(t, twoColumns(1)).name()));
    OUT.put("createView", attempt(() -> createView(catalog, v, ns).name()));
    OUT.put("dropTable", attempt(() -> catalog.dropTable(t)));
  }

  static void metadataTables(RESTCatalog catalog, Namespace ns) {
    catalog.createNamespace(ns);
    catalog.createTable(TableIdentifier.of(ns, "t"), twoColumns(1));
    for (String name : List.of("files", "snapshots", "history")) {
      OUT.put(
          name,
          attempt(() -> {
            Table m = catalog.loadTable(TableIdentifier.of(ns.level(0), "t", name));
            return m.getClass().getSimpleName() + " " + m.name();
          }));
    }
    OUT.put("missingBase", attempt(() -> catalog.loadTable(TableIdentifier.of(ns.level(0), "nope", "files")).name()));
  }

  static void views(RESTCatalog catalog, Namespace ns) {
    catalog.createNamespace(ns);
    TableIdentifier id = TableIdentifier.of(ns, "v");
    OUT.put("created", view(createView(catalog, id, ns)));
    OUT.put("loaded", view(catalog.loadView(id)));
    catalog
        .buildView(id)
        .withSchema(new Schema(Types.NestedField.optional(1, "m", Types.StringType.get())))
        .withDefaultNamespace(ns)
        .withQuery("spark", "SELECT 'x' AS m")
        .replace();
    OUT.put("replaced", view(catalog.loadView(id)));
    OUT.put("viewExists", catalog.viewExists(id));
  }
}

// Checks our planTableScan answers with Apache Iceberg's own Java code:
//   java ScanPlanningClient <catalog uri> plan <namespace> <table>
// Each filter is serialized by Java's ExpressionParser, posted to the plan endpoint, and the
// answer parsed by Java's PlanTableScanResponseParser against the table's partition specs (it
// checks every field and partition value). Prints the data files and partitions it read, per
// filter, as one JSON object.
//
// Two spec deviations of Java 1.10.1's ContentFileParser are bridged first. It reads `content`
// with FileContent.valueOf ("DATA"), where the REST spec (and pyiceberg) say "data",
// "position-deletes", "equality-deletes"; and it reads `partition` as an object keyed by partition
// field id, where the spec (and pyiceberg) have an array in spec order. The catalog answers as the
// spec says; the program rewrites both to Java's forms before parsing.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.ExpressionParser;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.responses.PlanTableScanResponse;
import org.apache.iceberg.rest.responses.PlanTableScanResponseParser;
import org.apache.iceberg.util.JsonUtil;

public class ScanPlanningClient {
  public static void main(String[] args) throws Exception {
    String uri = args[0];
    Namespace ns = Namespace.of(args[2]);
    String name = args[3];
    RESTCatalog catalog = new RESTCatalog();
    catalog.initialize(
        "java", Map.of("uri", uri, "io-impl", "org.apache.iceberg.inmemory.InMemoryFileIO"));
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      Table table = catalog.loadTable(TableIdentifier.of(ns, name));
      Map<Integer, PartitionSpec> specs = table.specs();
      Map<String, Expression> filters = new LinkedHashMap<>();
      filters.put("True", Expressions.alwaysTrue());
      filters.put("category = 'a'", Expressions.equal("category", "a"));
      filters.put(
          "category = 'a' and ts >= '2024-01-03T00:00:00'",
          Expressions.and(
              Expressions.equal("category", "a"),
              Expressions.greaterThanOrEqual("ts", "2024-01-03T00:00:00")));
      filters.put("id < 25", Expressions.lessThan("id", 25L));
      filters.put("id in (61, 62)", Expressions.in("id", 61L, 62L));
      filters.put("note like 'note-05%'", Expressions.startsWith("note", "note-05"));
      filters.put("not category = 'b'", Expressions.not(Expressions.equal("category", "b")));
      filters.put("amount is nan", Expressions.isNaN("amount"));
      HttpClient http = HttpClient.newHttpClient();
      String planUrl = uri + "/v1/namespaces/" + ns + "/tables/" + name + "/plan";
      for (Map.Entry<String, Expression> f : filters.entrySet()) {
        String body = "{\"filter\":" + ExpressionParser.toJson(f.getValue()) + "}";
        HttpResponse<String> res =
            http.send(
                HttpRequest.newBuilder(URI.create(planUrl))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("request", body);
        result.put("status", res.statusCode());
        if (res.statusCode() == 200) {
          JsonNode tree = JsonUtil.mapper().readTree(res.body());
          result.put("specForms", toJavaForms(tree, specs));
          PlanTableScanResponse parsed = PlanTableScanResponseParser.fromJson(tree, specs, true);
          result.put("planStatus", parsed.planStatus().status());
          List<String> files = new ArrayList<>();
          List<String> partitions = new ArrayList<>();
          for (FileScanTask task : parsed.fileScanTasks()) {
            DataFile file = task.file();
            files.add(file.location());
            partitions.add(file.specId() + ":" + file.partition());
          }
          result.put("files", files);
          result.put("partitions", partitions);
        } else {
          result.put("body", res.body());
        }
        out.put(f.getKey(), result);
      }
    } catch (Exception e) {
      out.put("error", e.getClass().getName() + ": " + e.getMessage());
    } finally {
      catalog.close();
    }
    System.out.println(new ObjectMapper().writeValueAsString(out));
  }

  /** Rewrites `content` and `partition` to Java's forms; true when all were the spec's. */
  static boolean toJavaForms(JsonNode tree, Map<Integer, PartitionSpec> specs) {
    boolean spec = true;
    List<JsonNode> files = new ArrayList<>();
    for (JsonNode task : tree.path("file-scan-tasks")) files.add(task.path("data-file"));
    for (JsonNode delete : tree.path("delete-files")) files.add(delete);
    for (JsonNode file : files) {
      ObjectNode node = (ObjectNode) file;
      String content = file.path("content").asText();
      spec &=
          content.equals("data")
              || content.equals("position-deletes")
              || content.equals("equality-deletes");
      node.put("content", content.toUpperCase().replace('-', '_'));
      JsonNode partition = file.path("partition");
      spec &= partition.isArray();
      PartitionSpec partitionSpec = specs.get(file.path("spec-id").asInt());
      ObjectNode byId = JsonUtil.mapper().createObjectNode();
      for (int i = 0; i < partition.size(); i++) {
        byId.set(String.valueOf(partitionSpec.fields().get(i).fieldId()), partition.get(i));
      }
      node.set("partition", byId);
    }
    return spec;
  }
}

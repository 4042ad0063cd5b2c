// The JDK's XSD validator, as HMRC's transit validator uses it (javax.xml.validation, the schema
// compiled once, one Validator reused), on every *.xml file of a directory, one thread:
//   javac -d /tmp/xsdv tools/bench/XsdValidate.java
//   java -cp /tmp/xsdv XsdValidate SCHEMA.xsd DIR ROUNDS WARMUP_ROUNDS
// Prints one JSON object: messages, seconds, messagesPerSecond, megabytesPerSecond, valid, invalid.
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;

public class XsdValidate {
    public static void main(String[] args) throws Exception {
        Path xsd = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        // The NCTS XSDs have maxOccurs up to 9999, past the JDK's secure-processing limit of 5,000
        // content-model nodes; HMRC's validator lifts the limit the same way.
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, false);
        Schema schema = factory.newSchema(xsd.toFile());
        Validator validator = schema.newValidator();
        List<byte[]> files = new ArrayList<>();
        try (var stream = Files.list(dir)) {
            for (Path p : stream.sorted().toList()) {
                if (p.toString().endsWith(".xml")) files.add(Files.readAllBytes(p));
            }
        }
        long bytes = 0;
        for (byte[] f : files) bytes += f.length;
        int valid = 0;
        for (int r = 0; r < warmup; r++) for (byte[] f : files) check(validator, f);
        for (byte[] f : files) if (check(validator, f)) valid++;
        long start = System.nanoTime();
        for (int r = 0; r < rounds; r++) for (byte[] f : files) check(validator, f);
        double seconds = (System.nanoTime() - start) / 1e9;
        long messages = (long) files.size() * rounds;
        System.out.printf(
            "{\"validator\": \"JDK %s javax.xml.validation\", \"messages\": %d, \"seconds\": %.3f, "
                + "\"messagesPerSecond\": %.1f, \"megabytesPerSecond\": %.2f, \"valid\": %d, \"invalid\": %d}%n",
            System.getProperty("java.version"), messages, seconds, messages / seconds,
            bytes * (double) rounds / 1e6 / seconds, valid, files.size() - valid);
    }

    static boolean check(Validator validator, byte[] xml) {
        try {
            validator.validate(new StreamSource(new ByteArrayInputStream(xml)));
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}

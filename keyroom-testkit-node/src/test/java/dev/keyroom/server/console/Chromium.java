package dev.keyroom.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium}, driven through Debian's {@code
 * chromedriver}) for the console's browser tests: one per test class, a fresh profile, and trust
 * in exactly one certificate, the node's, by its SPKI hash. It records what the page does wrong:
 * every CSP violation (a {@code securitypolicyviolation} listener put in every document before its
 * own scripts run) and every console error, which {@link #problems} hands over and forgets.
 * Missing packages fail the test, loudly: {@code ./run-tests} installs them.
 */
public final class Chromium implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Where screenshots go: the module's target directory. */
    public static final Path SHOTS = Path.of("target", "console-screenshots");

    private static final String CSP_LISTENER = "window.__keyroomCsp = [];"
            + "document.addEventListener('securitypolicyviolation', e => window.__keyroomCsp.push("
            + "'CSP ' + e.violatedDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber));";

    private final ChromeDriver driver;
    private final List<String> seen = new ArrayList<>();

    private Chromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Starts Chromium trusting the certificate whose SPKI pin is {@code pin} ({@code sha256/...}). */
    public static Chromium start(String pin, Path profile) throws IOException {
        assertThat(Files.isExecutable(BINARY))
                .as("Debian's chromium at %s (apt-get install chromium; ./run-tests installs it)", BINARY)
                .isTrue();
        assertThat(Files.isExecutable(DRIVER))
                .as("Debian's chromedriver at %s (apt-get install chromium-driver; ./run-tests installs it)", DRIVER)
                .isTrue();
        Files.createDirectories(profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,1200",
                "--user-data-dir=" + profile.toAbsolutePath(),
                "--ignore-certificate-errors-spki-list=" + pin.substring("sha256/".length()));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", CSP_LISTENER));
        return new Chromium(driver);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /**
     * Opens {@code url} in a new document (by way of {@code about:blank}, so that a link differing
     * only in its fragment loads afresh), keeping what the page before it did wrong.
     */
    public void open(URI url) {
        collect();
        driver.get("about:blank");
        driver.get(url.toString());
    }

    /** Waits until the page says {@code page} is drawn ({@code body[data-ready]}). */
    public void waitReady(String page) {
        new WebDriverWait(driver, Duration.ofSeconds(20))
                .until(d -> page.equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
    }

    /** Clicks the navigation link of {@code page} and waits until it is drawn. */
    public void go(String page) {
        driver.findElement(By.cssSelector("#nav a[data-page='" + page + "']")).click();
        waitReady(page);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits up to 20 s for {@code condition}. */
    public void await(java.util.function.Supplier<Boolean> condition) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> condition.get());
    }

    /** Confirms the open confirmation dialog. */
    public void confirm() {
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> find("#confirm").isDisplayed());
        find("#confirm-ok").click();
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Writes a screenshot of the window to {@code target/console-screenshots/NAME.png}. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SHOTS);
        Path file = SHOTS.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /** CSP violations and console errors since the last call, and forgets them. */
    public List<String> problems() {
        collect();
        List<String> out = List.copyOf(seen);
        seen.clear();
        return out;
    }

    private void collect() {
        try {
            Object csp = script("return window.__keyroomCsp ? window.__keyroomCsp.splice(0) : [];");
            if (csp instanceof List<?> l) {
                l.forEach(v -> seen.add(String.valueOf(v)));
            }
        } catch (RuntimeException e) {
            // no document yet
        }
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
                seen.add("console " + e.getLevel() + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}

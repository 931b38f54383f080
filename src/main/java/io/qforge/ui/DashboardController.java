package io.qforge.ui;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /}, {@code /ui} and {@code /ui/} lead to the dashboard's page. */
@RestController
class DashboardController {

    @GetMapping({"/", "/ui", "/ui/"})
    ResponseEntity<Void> index() {
        return ResponseEntity.status(HttpStatus.FOUND).location(URI.create("/ui/index.html")).build();
    }
}

package dev.keyroom.store.sqlite;

import dev.keyroom.core.rooms.BlobStore;
import dev.keyroom.testkit.BlobStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class DiskBlobStoreContractTest extends BlobStoreContract {
    @TempDir
    Path dir;

    DiskBlobStore store;

    @Override
    protected BlobStore store() throws Exception {
        store = new DiskBlobStore(dir.resolve("blobs"));
        return store;
    }

    @Override
    protected long pendingParts() throws Exception {
        return store.pendingParts();
    }
}

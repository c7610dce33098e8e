// Brings cdktf's jest matcher declarations (toHaveResourceWithProperties, ...) into the type-check;
// __tests__/setup.ts registers their implementations.
import 'cdktf/lib/testing/adapters/jest';

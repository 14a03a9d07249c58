// The main job of scripts/demo: publish django-instant's four example events
// and show them arriving. Configuration comes from the environment
// (CENTRIFUGO_URL or CENTRIFUGO_HOST/PORT, CENTRIFUGO_API_KEY, SITE_NAME).
#include <instant/instant.hpp>

#include <iostream>

int main() try {
  auto client = instant::Client::from_env();

  // The seed's four events, as a C++ host app would write them.
  client.publish("public", "A public message");

  instant::Event important;
  important.message = "A message for all logged-in users";
  important.event_class = "important";
  client.publish("$users", important);

  client.publish("$group1", "A message for the members of group1");

  instant::Event with_data;
  with_data.message = "A message for staff";
  with_data.data = R"({"field1":"value1","field2":[1,2]})";
  client.publish("$staff", with_data);

  // Show them arriving: read each channel's stream back from Centrifugo.
  for (const char* channel : {"public", "$users", "$group1", "$staff"}) {
    auto h = client.history(channel);
    for (const auto& p : h.publications) {
      std::cout << channel << " #" << p.offset << " " << p.data << "\n";
    }
  }
  auto s = client.stats();
  std::cout << "(" << s.requests << " requests over " << s.connections_opened << " connection"
            << (s.connections_opened == 1 ? "" : "s") << ")\n";
  return 0;
} catch (const instant::Error& e) {
  std::cerr << "demo: " << e.what() << "\n";
  return 1;
}

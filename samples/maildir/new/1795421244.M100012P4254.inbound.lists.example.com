Return-Path: <>
Delivered-To: bounces@tx.example.com
Received: from mta2.lists.example.com (mta2.lists.example.com [203.0.113.26])
	by inbound.lists.example.com (Postfix) with ESMTPS id 4dQBmV0RtTz3Dq2
	for <bounces@tx.example.com>; Tue, 17 Nov 2026 11:02:32 +0000 (UTC)
Received: by mta2.lists.example.com (Postfix)
	id 4dQBmT2NcXz6Tp4; Tue, 17 Nov 2026 11:02:31 +0000 (UTC)
Date: Tue, 17 Nov 2026 11:02:31 +0000 (UTC)
From: MAILER-DAEMON@mta2.lists.example.com (Mail Delivery System)
Subject: Successful Mail Delivery Report
To: bounces@tx.example.com
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4dQBmT5xMbz6Tp6.1794913351/mta2.lists.example.com"
Content-Transfer-Encoding: 8bit
Message-Id: <4dQBmT5xMbz6Tp6@mta2.lists.example.com>

This is a MIME-encapsulated message.

--4dQBmT5xMbz6Tp6.1794913351/mta2.lists.example.com
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mta2.lists.example.com.

Your message was successfully delivered to the destination(s)
listed below. If the message was delivered to mailbox you will
receive no further notifications. Otherwise you may still receive
notifications of mail delivery errors from other systems.

                   The mail system

<accounts@kleinladen.example>: delivery via
    mx2.kleinladen.example[192.0.2.91]:25: 250 2.0.0 Ok: queued as 4dQBmT0yRbzLx5

--4dQBmT5xMbz6Tp6.1794913351/mta2.lists.example.com
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mta2.lists.example.com
X-Postfix-Queue-ID: 4dQBmT2NcXz6Tp4
X-Postfix-Sender: rfc822; bounces@tx.example.com
Arrival-Date: Tue, 17 Nov 2026 11:02:30 +0000 (UTC)

Final-Recipient: rfc822; accounts@kleinladen.example
Original-Recipient: rfc822;accounts@kleinladen.example
Action: relayed
Status: 2.0.0
Remote-MTA: dns; mx2.kleinladen.example
Diagnostic-Code: smtp; 250 2.0.0 Ok: queued as 4dQBmT0yRbzLx5

--4dQBmT5xMbz6Tp6.1794913351/mta2.lists.example.com
Content-Description: Message Headers
Content-Type: text/rfc822-headers
Content-Transfer-Encoding: 8bit

Return-Path: <bounces@tx.example.com>
Received: from app5.example.com (app5.example.com [203.0.113.42])
	by mta2.lists.example.com (Postfix) with ESMTPS id 4dQBmT2NcXz6Tp4
	for <accounts@kleinladen.example>; Tue, 17 Nov 2026 11:02:30 +0000 (UTC)
From: Example Outfitters Wholesale <wholesale@example.com>
To: accounts@kleinladen.example
Subject: Invoice W-2026-1187 (payment due 1 December)
Date: Tue, 17 Nov 2026 11:02:29 +0000
Message-ID: <wholesale.inv.W-2026-1187.1794913349@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=_mix_inv_1187"

--4dQBmT5xMbz6Tp6.1794913351/mta2.lists.example.com--
